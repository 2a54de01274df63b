import { describe, expect, it } from 'vitest';
import type { CompleteOptions, ModelClient } from '../../../src/model/modelClient';
import type { CompletionResult } from '../../../src/protocol/prompt';
import { withPrefillProgress } from '../../../src/app/prefillProgress';

const RESULT: CompletionResult = { text: 'ab', stopReason: 'endOfTurn', promptTokens: 10, evaluatedTokens: 10, completionTokens: 2 };

/** A client that replays prefill progress at given times, then writes; the clock is the test's. */
function fakeClient(clock: { now: number }, steps: Array<[evaluated: number, atMs: number]>, fail = false): ModelClient {
  return {
    contextSize: 4096,
    prepare: async () => {},
    async complete(_request, options: CompleteOptions) {
      for (const [evaluated, atMs] of steps) {
        clock.now = atMs;
        options.onProgress?.(evaluated, 100);
      }
      if (fail) throw new Error('host crashed');
      options.onText?.('a');
      options.onProgress?.(100, 100);
      options.onText?.('b');
      return RESULT;
    },
    load: async () => ({ state: 'ready' }),
    status: () => ({ state: 'ready' }),
    dispose: async () => {},
  };
}

const request = { prompt: [{ text: 'hi', special: false }], sampling: {} };

describe('withPrefillProgress', () => {
  it('reports the prompt read at most every 100 ms, then clears it when the first token arrives', async () => {
    const clock = { now: 0 };
    const seen: Array<number | undefined> = [];
    const text: string[] = [];
    const model = withPrefillProgress(fakeClient(clock, [[10, 0], [20, 50], [30, 100], [40, 150], [90, 260]]), (f) => seen.push(f), () => clock.now);
    expect(model.contextSize).toBe(4096);
    const result = await model.complete(request, { signal: new AbortController().signal, onText: (chunk) => text.push(chunk) });
    expect(result).toEqual(RESULT);
    expect(seen).toEqual([0.1, 0.3, 0.9, undefined]);
    expect(text).toEqual(['a', 'b']);
  });

  it('clears the progress when the turn fails before writing', async () => {
    const clock = { now: 0 };
    const seen: Array<number | undefined> = [];
    const model = withPrefillProgress(fakeClient(clock, [[50, 0]], true), (f) => seen.push(f), () => clock.now);
    await expect(model.complete(request, { signal: new AbortController().signal })).rejects.toThrow('host crashed');
    expect(seen).toEqual([0.5, undefined]);
  });
});
