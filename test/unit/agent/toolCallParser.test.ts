import { describe, expect, it } from 'vitest';
import { ToolCallStreamParser, type ParserEvent, type ParsedToolCall } from '../../../src/agent/toolCallParser';

function parseInChunks(text: string, cuts: number[]): { text: string; calls: ParsedToolCall[] } {
  const parser = new ToolCallStreamParser();
  const events: ParserEvent[] = [];
  let from = 0;
  for (const cut of [...cuts, text.length]) {
    events.push(...parser.push(text.slice(from, cut)));
    from = cut;
  }
  events.push(...parser.end());
  return {
    text: events.flatMap((e) => (e.type === 'text' ? [e.text] : [])).join(''),
    calls: events.flatMap((e) => (e.type === 'toolCall' ? [e.call] : [])),
  };
}

/** A deterministic PRNG so a failing fuzz case can be replayed. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const turn = [
  'I will look at the entry point and search for the config loader.',
  '<tool_call>',
  '{"name": "Read", "arguments": {"file_path": "/repo/src/app.py", "offset": "10", "limit": 40}}',
  '</tool_call>',
  '<tool_call>',
  '{"name": "Grep", "input": {"pattern": "load_config", "-n": "true", "output_mode": "content"}}',
  '</tool_call>',
].join('\n');

describe('ToolCallStreamParser', () => {
  it('separates text from parallel tool calls and accepts "input" for "arguments"', () => {
    const { text, calls } = parseInChunks(turn, []);
    expect(text).toBe('I will look at the entry point and search for the config loader.\n\n');
    expect(calls).toEqual([
      expect.objectContaining({ ok: true, name: 'Read', args: { file_path: '/repo/src/app.py', offset: '10', limit: 40 } }),
      expect.objectContaining({ ok: true, name: 'Grep', args: { pattern: 'load_config', '-n': 'true', output_mode: 'content' } }),
    ]);
  });

  it('reports a call as soon as its closing tag arrives', () => {
    const parser = new ToolCallStreamParser();
    expect(parser.push('Looking.\n<tool_call>\n{"name": "Glob", "arguments": {"pattern": "**/*.py"}}\n</tool')).toEqual([
      { type: 'text', text: 'Looking.\n' },
    ]);
    const events = parser.push('_call>\n<tool_');
    expect(events).toEqual([{ type: 'toolCall', call: expect.objectContaining({ ok: true, name: 'Glob' }) }, { type: 'text', text: '\n' }]);
  });

  it('gives the same result for any chunking (fuzzed split points)', () => {
    const expected = parseInChunks(turn, []);
    const random = prng(42);
    for (let round = 0; round < 500; round++) {
      const cuts = Array.from({ length: 1 + Math.floor(random() * 12) }, () => Math.floor(random() * turn.length)).sort((a, b) => a - b);
      expect(parseInChunks(turn, cuts)).toEqual(expected);
    }
  });

  it('survives one character at a time', () => {
    const cuts = Array.from({ length: turn.length }, (_, i) => i);
    expect(parseInChunks(turn, cuts)).toEqual(parseInChunks(turn, []));
  });

  it('answers malformed JSON with a precise error and keeps going', () => {
    const text = '<tool_call>\n{"name": "Read", "arguments": {"file_path": "/a"}\n</tool_call>\n<tool_call>\n{"name": "Glob", "arguments": {"pattern": "*"}}\n</tool_call>';
    const { calls } = parseInChunks(text, [5, 30]);
    expect(calls[0]).toMatchObject({ ok: false, name: 'Read' });
    expect(calls[0]!.ok === false && calls[0]!.error).toMatch(/not valid JSON/);
    expect(calls[1]).toMatchObject({ ok: true, name: 'Glob', args: { pattern: '*' } });
  });

  it('rejects calls without a name, non-object calls and string arguments that are not JSON', () => {
    const { calls } = parseInChunks(
      '<tool_call>{"arguments": {}}</tool_call><tool_call>[1,2]</tool_call><tool_call>{"name": "Read", "arguments": "file"}</tool_call>',
      [],
    );
    expect(calls.map((call) => call.ok)).toEqual([false, false, false]);
    expect(calls[0]!.ok === false && calls[0]!.error).toMatch(/no "name"/);
    expect(calls[1]!.ok === false && calls[1]!.error).toMatch(/JSON object/);
    expect(calls[2]!.ok === false && calls[2]!.error).toMatch(/must be a JSON object/);
  });

  it('accepts arguments serialized as a JSON string', () => {
    const { calls } = parseInChunks('<tool_call>{"name": "Read", "arguments": "{\\"file_path\\": \\"/a\\"}"}</tool_call>', []);
    expect(calls[0]).toMatchObject({ ok: true, args: { file_path: '/a' } });
  });

  it('turns a call left open at the end of the reply into a malformed call', () => {
    const { text, calls } = parseInChunks('Checking.\n<tool_call>\n{"name": "Bash", "arguments": {"command": "ls', [12]);
    expect(text).toBe('Checking.\n');
    expect(calls).toEqual([expect.objectContaining({ ok: false, name: 'Bash' })]);
  });

  it('keeps text that only looks like the start of a tag', () => {
    expect(parseInChunks('a < b and <tool but not a call', [3, 11])).toEqual({ text: 'a < b and <tool but not a call', calls: [] });
  });

  const report = [
    'The parser reads the `<tool_call>` tags that the model writes, and stops at <tool_call> mentioned in prose.',
    'An example from the docs:',
    '```',
    '<tool_call>',
    '{"name": "Read", "arguments": {"file_path": "/x"}}',
    '</tool_call>',
    '```',
    '~~~json',
    '<tool_call>{"name": "Glob", "arguments": {"pattern": "*"}}</tool_call>',
    '~~~',
    'Done: see /repo/src/parser.ts:12.',
  ].join('\n');

  it('keeps a tool call mentioned in prose or shown in a code fence as text', () => {
    expect(parseInChunks(report, [])).toEqual({ text: report, calls: [] });
  });

  it('ends a call only at a </tool_call> outside its JSON strings, or at the start of a line', () => {
    const text = [
      'Searching for the tag itself.',
      '<tool_call>',
      '{"name": "Grep", "arguments": {"pattern": "</tool_call>", "glob": "*.md \\" </tool_call>"}}',
      '</tool_call>',
      '<tool_call>',
      '{"name": "Read", "arguments": {"file_path": "/a\"broken}',
      '</tool_call>',
    ].join('\n');
    const { calls } = parseInChunks(text, []);
    expect(calls[0]).toMatchObject({ ok: true, name: 'Grep', args: { pattern: '</tool_call>', glob: '*.md " </tool_call>' } });
    expect(calls[1]).toMatchObject({ ok: false, name: 'Read' });
    expect(calls).toHaveLength(2);
  });

  it('still opens a call written mid-line when a JSON object follows the tag, and after another call', () => {
    const { text, calls } = parseInChunks('Let me look.<tool_call> {"name": "Glob", "arguments": {"pattern": "*.py"}}</tool_call><tool_call>[1]</tool_call>', []);
    expect(text).toBe('Let me look.');
    expect(calls.map((call) => call.ok)).toEqual([true, false]);
  });

  it('treats prose, fences and tags inside JSON strings the same for any chunking (fuzzed)', () => {
    const mixed = `${report}\n${turn}\n<tool_call>\n{"name": "Grep", "arguments": {"pattern": "a</tool_call>b"}}\n</tool_call>`;
    const expected = parseInChunks(mixed, []);
    expect(expected.calls.map((call) => call.name)).toEqual(['Read', 'Grep', 'Grep']);
    const random = prng(7);
    for (let round = 0; round < 500; round++) {
      const cuts = Array.from({ length: 1 + Math.floor(random() * 20) }, () => Math.floor(random() * mixed.length)).sort((a, b) => a - b);
      expect(parseInChunks(mixed, cuts)).toEqual(expected);
    }
    expect(parseInChunks(mixed, Array.from({ length: mixed.length }, (_, i) => i))).toEqual(expected);
  });
});
