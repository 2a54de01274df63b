import { useCallback, useSyncExternalStore, type ReactNode } from 'react';
import type { FileReference } from '../../../src/protocol/fileReference';
import type { ResolvedLink } from '../../../src/protocol/webview';
import { plural } from '../format';
import { usePostToHost } from '../hostContext';
import { claimsToBeFile } from '../links/fileLinks';
import { useFileLinks } from '../links/linksContext';

interface FileRefProps {
  reference: FileReference;
  /** What to show; the reference's own text when absent (a markdown link has its own label). */
  children?: ReactNode;
}

/**
 * A file reference: a link once the host has found the file (and line), marked with the host's
 * reason when it did not, plain text until the host answers.
 */
export function FileRef({ reference, children }: FileRefProps) {
  const post = usePostToHost();
  const links = useFileLinks();
  const watch = useCallback(
    (listener: () => void) => links.watch(reference, listener),
    // The reference object is rebuilt on each render; its text is its identity.
    [links, reference.text],
  );
  const resolved = useSyncExternalStore(watch, () => links.verdict(reference.text));

  const label = children ?? resolved?.label ?? reference.text;
  if (resolved?.exists && resolved.path !== undefined) {
    const { path, line, endLine } = resolved;
    const where = line === undefined ? path : `${path}:${line}${endLine !== undefined && endLine !== line ? `-${endLine}` : ''}`;
    return (
      <button type="button" className="file-link" title={`Open ${where}`} onClick={() => post({ type: 'file/open', path, line, endLine })}>
        {label}
      </button>
    );
  }
  if (resolved && claimsToBeFile(reference)) {
    const why = unverifiedWhy(resolved, reference.path);
    return (
      <span className="file-ref-missing" title={why}>
        {label}
        <span className="visually-hidden"> (not linked: {why})</span>
      </span>
    );
  }
  return <>{label}</>;
}

/** Why the host did not link a reference, in words for its tooltip and for screen readers. */
function unverifiedWhy(resolved: ResolvedLink, writtenPath: string): string {
  const where = resolved.path ?? writtenPath;
  switch (resolved.reason) {
    case 'pastEnd':
      return `Line ${resolved.line ?? '?'} is past the end of ${where}${resolved.lineCount === undefined ? '' : `, which has ${plural(resolved.lineCount, 'line')}`}`;
    case 'outsideWorkspace':
      return `${writtenPath} is outside the workspace; only files in the workspace are linked`;
    case 'notAFile':
      return `${writtenPath} is not a file`;
    case 'notFound':
    case undefined:
      return `No file ${writtenPath} in this workspace`;
  }
}
