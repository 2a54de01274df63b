import { describe, expect, it } from 'vitest';
import { createModelClient } from '../../src/model/modelClient';
import { validateModelFile } from '../../src/model/modelFile';
import { ASSISTANT_START, buildModelHost, continuePrompt, turn } from './support';

const modelPath = process.env.LOCOOPERATOR_MODEL_PATH;

// Runs only where LOCOOPERATOR_MODEL_PATH names the real GGUF; vitest lists it as skipped elsewhere.
describe.skipIf(!modelPath)('the real model (LOCOOPERATOR_MODEL_PATH)', () => {
  it('answers in the trained format, stops at the end of the turn and reuses the KV cache', async () => {
    const info = await validateModelFile(modelPath!);
    expect(info.architecture).toBe('qwen3');
    const model = createModelClient({ modelPath: modelPath!, hostScript: await buildModelHost(), contextSize: 4096 });
    try {
      const status = await model.load();
      expect(status.state).toBe('ready');
      const signal = new AbortController().signal;
      const prompt = [
        ...turn('system', 'You are a read-only codebase search specialist. Answer in one short sentence.'),
        ...turn('user', 'What does the ls command do?'),
        ...ASSISTANT_START,
      ];
      const first = await model.complete({ prompt, sampling: { seed: 1, maxTokens: 256 } }, { signal });
      expect(first.stopReason).toBe('endOfTurn');
      expect(first.text.trim().length).toBeGreaterThan(0);
      const next = continuePrompt(prompt, first.text, turn('user', 'And cat?'));
      const second = await model.complete({ prompt: next, sampling: { seed: 1, maxTokens: 256 } }, { signal });
      expect(second.evaluatedTokens).toBe(second.promptTokens - first.promptTokens - first.completionTokens);
    } finally {
      await model.dispose();
    }
  }, 600_000);
});
