import { describe, expect, it } from 'vitest';
import { flattenTokens, TokenHistory } from '../../src/model/tokenHistory';

/** A stand-in tokenizer: one token per character, special text marked by a negative id. */
const calls: string[] = [];
function tokenize(text: string, special: boolean): number[] {
  calls.push(text);
  return [...text].map((c) => (special ? -c.charCodeAt(0) : c.charCodeAt(0)));
}

const S = (text: string) => ({ text, special: true });
const P = (text: string) => ({ text, special: false });

describe('TokenHistory', () => {
  it('reuses the generated ids when the next prompt repeats the generated text', () => {
    const history = new TokenHistory();
    const first = history.chunksFor([S('<s>'), P('user\nhi'), S('<e>'), P('\n'), S('<s>'), P('assistant\n')], tokenize);
    // The model's own spelling of "ok": ids the tokenizer would not produce for this text.
    history.remember(first, { text: 'ok', special: false, tokens: [900, 901, 902] });
    calls.length = 0;
    const next = history.chunksFor([S('<s>'), P('user\nhi'), S('<e>'), P('\n'), S('<s>'), P('assistant\nok'), S('<e>'), P('\nmore')], tokenize);
    expect(flattenTokens(next).slice(0, flattenTokens(first).length + 3)).toEqual([...flattenTokens(first), 900, 901, 902]);
    expect(calls).toEqual(['<e>', '\nmore']);
  });

  it('tokenizes again from the first chunk that changed', () => {
    const history = new TokenHistory();
    const first = history.chunksFor([S('<s>'), P('system'), S('<e>'), P('tool output A')], tokenize);
    history.remember(first, undefined);
    calls.length = 0;
    history.chunksFor([S('<s>'), P('system'), S('<e>'), P('stub')], tokenize);
    expect(calls).toEqual(['stub']);
  });

  it('does not reuse a chunk whose text matches but whose specialness differs', () => {
    const history = new TokenHistory();
    history.remember(history.chunksFor([S('<e>')], tokenize), undefined);
    calls.length = 0;
    const next = history.chunksFor([P('<e>')], tokenize);
    expect(calls).toEqual(['<e>']);
    expect(flattenTokens(next).every((id) => id > 0)).toBe(true);
  });

  it('treats adjacent parts of one kind as one run', () => {
    const history = new TokenHistory();
    calls.length = 0;
    history.chunksFor([P('a'), P('b'), P(''), S('<s>')], tokenize);
    expect(calls).toEqual(['ab', '<s>']);
  });
});
