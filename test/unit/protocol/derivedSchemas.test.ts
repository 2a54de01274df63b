import { describe, expect, it } from 'vitest';
import { UsageEvent } from '../../../src/protocol/agentEvent';
import { ResolvedSampling } from '../../../src/protocol/modelHost';
import { CompletionResult, SamplingOptions } from '../../../src/protocol/prompt';

describe('schemas derived from one another', () => {
  it('resolved sampling is SamplingOptions with every default required', () => {
    const defaults = SamplingOptions.parse({});
    expect(ResolvedSampling.parse(defaults)).toEqual(defaults);
    expect(ResolvedSampling.safeParse({}).success).toBe(false);
    expect(ResolvedSampling.safeParse({ ...defaults, temperature: 3 }).success).toBe(false);
    expect(Object.keys(ResolvedSampling.shape).sort()).toEqual(Object.keys(SamplingOptions.shape).sort());
  });

  it('a usage event carries every figure of a completion but its text', () => {
    const completion = CompletionResult.parse({
      text: 'x',
      stopReason: 'endOfTurn',
      promptTokens: 900,
      evaluatedTokens: 40,
      completionTokens: 12,
      timeToFirstTokenMs: 310,
      generationMs: 800,
    });
    const { text: _text, stopReason: _stopReason, ...figures } = completion;
    const event = UsageEvent.parse({ type: 'usage', runId: 'r', seq: 3, turn: 2, ...figures });
    expect(event).toMatchObject(figures);
    expect(UsageEvent.safeParse({ type: 'usage', runId: 'r', seq: 3, turn: 2, promptTokens: 1 }).success).toBe(false);
  });
});
