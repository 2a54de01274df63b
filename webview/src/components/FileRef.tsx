import { useCallback, useContext, useId, useSyncExternalStore, type ReactNode } from 'react';
import { referenceKey, type FileReference } from '../../../src/protocol/fileReference';
import { referenceVerdict, unverifiedWhy } from '../../../src/protocol/referenceVerdicts';
import { usePostToHost } from '../hostContext';
import { ReferenceBaseContext, useFileLinks } from '../links/linksContext';

interface FileRefProps {
  reference: FileReference;
  /** What to show; the reference's own text when absent (a markdown link has its own label). */
  children?: ReactNode;
}

/**
 * A file reference: a link once the host has found the file (and line), marked with the host's
 * reason when it did not, plain text until the host answers (and for a folder, with its path).
 */
export function FileRef({ reference: found, children }: FileRefProps) {
  const post = usePostToHost();
  const links = useFileLinks();
  const base = useContext(ReferenceBaseContext);
  const reference = { ...found, base };
  const key = referenceKey(reference);
  const watch = useCallback(
    (listener: () => void) => links.watch(reference, listener),
    // The reference object is rebuilt on each render; its text and base are its identity.
    [links, key],
  );
  const resolved = useSyncExternalStore(watch, () => links.verdict(key));
  const whyId = useId();

  const label = children ?? resolved?.label ?? reference.text;
  const verdict = resolved && referenceVerdict(reference, resolved);
  if (resolved?.path !== undefined && verdict === 'link') {
    const { path, line, endLine } = resolved;
    const where = line === undefined ? path : `${path}:${line}${endLine !== undefined && endLine !== line ? `-${endLine}` : ''}`;
    // An ambiguous reference went to the first root in the host's order; the tooltip says so.
    const elsewhere = resolved.alsoIn?.length ? ` (from ${resolved.root}; also in ${resolved.alsoIn.join(', ')})` : '';
    return (
      <button type="button" className="file-link" title={`Open ${where}${elsewhere}`} onClick={() => post({ type: 'file/open', path, line, endLine })}>
        {label}
      </button>
    );
  }
  if (resolved && verdict === 'folder') {
    return (
      <span title={unverifiedWhy(resolved, reference.path)}>
        {label}
      </span>
    );
  }
  if (resolved && verdict === 'unverified') {
    const why = unverifiedWhy(resolved, reference.path);
    // A stop for the keyboard, which says why when focused: read out as its description, and
    // shown beside it. It is read in place too, but a copied selection holds only what is seen.
    return (
      <span className="file-ref-unverified" title={why}>
        <span className="file-ref-missing" tabIndex={0} aria-describedby={whyId}>
          {label}
        </span>
        <span className="file-ref-why visually-hidden not-copied" id={whyId}>
          {' '}
          (not linked: {why})
        </span>
      </span>
    );
  }
  return <>{label}</>;
}
