import { describe, expect, it } from 'vitest';
import { StreamedIds } from '../../src/model/server/streamedIds';

/** Events as llama-server streams them: one id each, with its count of tokens sampled so far. */
describe('StreamedIds', () => {
  it('keeps every id and drops the end-of-turn token', () => {
    const ids = new StreamedIds();
    ids.add([10], 'Hel', 1);
    ids.add([11], 'lo', 2);
    ids.add([99], '', 3);
    expect(ids.chunk({ stop_type: 'eos', tokens_predicted: 3 })).toEqual({ text: 'Hello', special: false, tokens: [10, 11] });
  });

  it('keeps all ids when the reply ends at the token limit', () => {
    const ids = new StreamedIds();
    ids.add([10], 'a', 1);
    ids.add([11], 'b', 2);
    expect(ids.chunk({ stop_type: 'limit', tokens_predicted: 2 })).toEqual({ text: 'ab', special: false, tokens: [10, 11] });
  });

  it('stops at the first event that stands for more tokens than it names: a character split across tokens', () => {
    const ids = new StreamedIds();
    ids.add([10], 'ab', 1);
    // 'é' came as two byte tokens; the server sent it with the second id only.
    ids.add([21], 'é', 3);
    ids.add([12], 'c', 4);
    ids.add([99], '', 5);
    expect(ids.chunk({ stop_type: 'eos', tokens_predicted: 5 })).toEqual({ text: 'ab', special: false, tokens: [10] });
  });

  it('keeps the ids of the text sent when the last tokens were held back at the end', () => {
    const ids = new StreamedIds();
    ids.add([10], 'ab', 1);
    // A token that ends inside a character was sampled last and never sent.
    expect(ids.chunk({ stop_type: 'limit', tokens_predicted: 2 })).toEqual({ text: 'ab', special: false, tokens: [10] });
  });

  it('has nothing to keep when the very first character was split', () => {
    const ids = new StreamedIds();
    ids.add([21], 'é', 2);
    expect(ids.chunk({ stop_type: 'limit', tokens_predicted: 2 })).toBeUndefined();
  });
});
