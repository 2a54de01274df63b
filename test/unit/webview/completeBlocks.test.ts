import { describe, expect, it } from 'vitest';
import { BlockSplitter, blocksPerGroup } from '../../../webview/src/markdown/completeBlocks';
import { longReport } from '../../../webview/bench/longReport.mjs';

/** A fresh split of the whole text, blocks ungrouped. */
function splitCompleteBlocks(text: string): { blocks: string[]; rest: string } {
  const { groups, rest } = new BlockSplitter().split(text);
  return { blocks: groups.flat(), rest };
}

describe('BlockSplitter', () => {
  it('completes a block when a blank line is followed by a new block', () => {
    expect(splitCompleteBlocks('## Summary\n\nThe app is')).toEqual({ blocks: ['## Summary\n'], rest: 'The app is' });
    expect(splitCompleteBlocks('## Summary\n\n')).toEqual({ blocks: [], rest: '## Summary\n\n' });
  });

  it('keeps a fenced code block whole, blank lines included', () => {
    const text = 'Intro\n\n```python\ndef a():\n\n    return 1\n```\n\nAfter';
    expect(splitCompleteBlocks(text)).toEqual({ blocks: ['Intro\n', '```python\ndef a():\n\n    return 1\n```\n'], rest: 'After' });
    expect(splitCompleteBlocks('Intro\n\n```\ncode\n\nmore').blocks).toEqual(['Intro\n']);
  });

  it('does not cut an indented continuation from its list item', () => {
    expect(splitCompleteBlocks('- item\n\n  continued\n\nNext')).toEqual({ blocks: ['- item\n\n  continued\n'], rest: 'Next' });
  });

  it('skips leading blank lines and gives text without blank lines as the rest', () => {
    expect(splitCompleteBlocks('\n\nA\n\nB\n')).toEqual({ blocks: ['A\n'], rest: 'B\n' });
    expect(splitCompleteBlocks('one line, still streaming')).toEqual({ blocks: [], rest: 'one line, still streaming' });
  });

  it('gives the same blocks as the text grows', () => {
    const full = '# T\n\nPara one.\n\n| a | b |\n| - | - |\n| 1 | 2 |\n\n```js\nx\n```\n\nEnd.';
    let previous: string[] = [];
    for (let length = 1; length <= full.length; length += 1) {
      const { blocks, rest } = splitCompleteBlocks(full.slice(0, length));
      expect(blocks.slice(0, previous.length)).toEqual(previous);
      expect(blocks.join('') + rest).toContain(full.slice(0, length).trimStart().slice(0, 1));
      previous = blocks;
    }
    expect(previous).toEqual(['# T\n', 'Para one.\n', '| a | b |\n| - | - |\n| 1 | 2 |\n', '```js\nx\n```\n']);
  });

  it('splits a text fed a few characters at a time as it splits the whole text', () => {
    const full = longReport(6_000);
    for (const chunk of [1, 7, 12, 100]) {
      const splitter = new BlockSplitter();
      let split = splitter.split('');
      for (let at = chunk; at < full.length + chunk; at += chunk) split = splitter.split(full.slice(0, at));
      expect({ blocks: split.groups.flat(), rest: split.rest }).toEqual(splitCompleteBlocks(full));
    }
  });

  it('keeps each full group of blocks as it was while the text grows', () => {
    const full = longReport(20_000);
    const splitter = new BlockSplitter();
    const first = splitter.split(full.slice(0, 10_000)).groups;
    expect(first.length).toBeGreaterThan(1);
    expect(first[0]).toHaveLength(blocksPerGroup);
    const later = splitter.split(full).groups;
    expect(later[0]).toBe(first[0]);
  });

  it('starts over when the text is replaced rather than extended', () => {
    const splitter = new BlockSplitter();
    splitter.split('# One\n\nTwo\n\nThr');
    expect(splitter.split('Other\n\nText')).toEqual({ groups: [['Other\n']], rest: 'Text' });
  });
});
