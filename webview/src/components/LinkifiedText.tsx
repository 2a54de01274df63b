import { memo, useMemo, type ReactNode } from 'react';
import { findFileReferences } from '../../../src/protocol/fileReference';
import { FileRef } from './FileRef';

/** Past this many references in one text, the rest stays plain (a huge grep output). */
const maxReferences = 1000;

/** Text with every file reference in it rendered as a `FileRef`. */
export const LinkifiedText = memo(function LinkifiedText({ text }: { text: string }) {
  const parts = useMemo(() => splitReferences(text), [text]);
  return <>{parts}</>;
});

function splitReferences(text: string): ReactNode[] {
  const parts: ReactNode[] = [];
  let position = 0;
  for (const reference of findFileReferences(text).slice(0, maxReferences)) {
    if (reference.index > position) parts.push(text.slice(position, reference.index));
    parts.push(<FileRef key={reference.index} reference={reference} />);
    position = reference.index + reference.text.length;
  }
  if (position < text.length) parts.push(text.slice(position));
  return parts;
}
