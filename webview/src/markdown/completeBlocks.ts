/** Finished blocks come in groups of this many, so that a render of a long text compares a few groups, not every block. */
export const blocksPerGroup = 32;

export interface SplitText {
  /** The complete blocks in groups of `blocksPerGroup`; a full group keeps its identity from call to call. */
  groups: readonly (readonly string[])[];
  /** The block still being written (or the last block of a finished text). */
  rest: string;
}

/**
 * Splits markdown that is still being written into the blocks that can no longer change and
 * the rest. A block is complete once a blank line outside a code fence is followed by a line
 * that starts at the margin (an indented line may still continue a list item). Rendering only
 * complete blocks as markdown parses each once, however long the text grows.
 *
 * The text streams in a few characters at a time, so each call scans only what was added since
 * the last one (from the start of the line that was still being written): splitting a 200 kB
 * report from its start on every frame is what made streaming one slow down as it grew.
 */
export class BlockSplitter {
  private text = '';
  private groups: string[][] = [];
  private blockStart = 0;
  /** Where the blank line after the current block began, while no later line has come. */
  private breakAt: number | undefined;
  private fence: string | undefined;
  /** The first line not scanned yet (it has no newline yet). */
  private lineStart = 0;

  split(text: string): SplitText {
    if (!text.startsWith(this.text)) this.restart();
    this.text = text;
    for (let newline = text.indexOf('\n', this.lineStart); newline !== -1; newline = text.indexOf('\n', this.lineStart)) {
      this.scanLine(text.slice(this.lineStart, newline), newline);
      this.lineStart = newline + 1;
    }
    // The first character of a line still being written already says whether it is indented.
    if (this.breakAt !== undefined && this.fence === undefined && /^\S/.test(text.slice(this.lineStart, this.lineStart + 1))) {
      this.startBlockHere();
      this.breakAt = undefined;
    }
    return { groups: this.groups, rest: text.slice(this.blockStart) };
  }

  private scanLine(line: string, newline: number): void {
    if (this.fence !== undefined) {
      if (closesFence(line, this.fence)) this.fence = undefined;
    } else if (line.trim() === '') {
      if (this.lineStart === this.blockStart) this.blockStart = newline + 1;
      else this.breakAt ??= this.lineStart;
    } else {
      if (this.breakAt !== undefined && !/^\s/.test(line)) this.startBlockHere();
      this.breakAt = undefined;
      this.fence = /^ {0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    }
  }

  private startBlockHere(): void {
    const block = this.text.slice(this.blockStart, this.breakAt);
    const last = this.groups[this.groups.length - 1];
    // A new array for the group that changes, so that memoized renders of it see the change.
    if (last === undefined || last.length === blocksPerGroup) this.groups = [...this.groups, [block]];
    else this.groups = [...this.groups.slice(0, -1), [...last, block]];
    this.blockStart = this.lineStart;
  }

  private restart(): void {
    this.groups = [];
    this.blockStart = 0;
    this.breakAt = undefined;
    this.fence = undefined;
    this.lineStart = 0;
  }
}

function closesFence(line: string, fence: string): boolean {
  const marker = /^ {0,3}(`{3,}|~{3,})\s*$/.exec(line)?.[1];
  return marker !== undefined && marker[0] === fence[0] && marker.length >= fence.length;
}
