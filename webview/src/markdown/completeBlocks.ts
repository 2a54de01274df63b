/**
 * Splits markdown that is still being written into the blocks that can no longer change and
 * the rest. A block is complete once a blank line outside a code fence is followed by a line
 * that starts at the margin (an indented line may still continue a list item). Rendering only
 * complete blocks as markdown parses each once, however long the text grows.
 */
export function splitCompleteBlocks(text: string): { blocks: string[]; rest: string } {
  const blocks: string[] = [];
  let blockStart = 0;
  /** Where the blank line after the current block began, while no later line has come. */
  let breakAt: number | undefined;
  let fence: string | undefined;
  let lineStart = 0;
  const startBlockHere = () => {
    blocks.push(text.slice(blockStart, breakAt));
    blockStart = lineStart;
  };
  for (let newline = text.indexOf('\n'); newline !== -1; newline = text.indexOf('\n', lineStart)) {
    const line = text.slice(lineStart, newline);
    if (fence !== undefined) {
      if (closesFence(line, fence)) fence = undefined;
    } else if (line.trim() === '') {
      if (lineStart === blockStart) blockStart = newline + 1;
      else breakAt ??= lineStart;
    } else {
      if (breakAt !== undefined && !/^\s/.test(line)) startBlockHere();
      breakAt = undefined;
      fence = /^ {0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    }
    lineStart = newline + 1;
  }
  // The first character of a line still being written already says whether it is indented.
  if (breakAt !== undefined && fence === undefined && /^\S/.test(text.slice(lineStart, lineStart + 1))) startBlockHere();
  return { blocks, rest: text.slice(blockStart) };
}

function closesFence(line: string, fence: string): boolean {
  const marker = /^ {0,3}(`{3,}|~{3,})\s*$/.exec(line)?.[1];
  return marker !== undefined && marker[0] === fence[0] && marker.length >= fence.length;
}
