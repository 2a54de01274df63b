import { memo, useRef } from 'react';
import { clipLongLines } from '../format';
import { BlockSplitter } from '../markdown/completeBlocks';
import { SafeMarkdown } from './SafeMarkdown';

/**
 * Markdown the model writes, block by block. Each finished block is parsed and rendered once:
 * later renders compare a few groups of blocks and touch only the newest, so a frame costs the
 * same at the end of a 200 kB report as at its start. While the text streams, the block being
 * written shows as plain text until it is complete; once `complete`, it renders as markdown too.
 * A report that replaces the streamed text keeps this component (and every block it rendered).
 */
export function StreamedMarkdown({ text, complete }: { text: string; complete: boolean }) {
  const splitter = useRef<BlockSplitter>(null);
  splitter.current ??= new BlockSplitter();
  const { groups, rest } = splitter.current.split(text);
  return (
    <>
      {groups.map((blocks, index) => (
        <BlockGroup key={index} blocks={blocks} />
      ))}
      {rest.trim() !== '' && (complete ? <SafeMarkdown markdown={rest} /> : <div className="plain-text">{clipLongLines(rest)}</div>)}
    </>
  );
}

/** A group of finished blocks; off screen, the browser skips laying it out and painting it (styles.css). */
const BlockGroup = memo(function BlockGroup({ blocks }: { blocks: readonly string[] }) {
  return (
    <div className="markdown-group">
      {blocks.map((block, index) => (
        <SafeMarkdown key={index} markdown={block} />
      ))}
    </div>
  );
});
