// The 10-turn exploration the real-size benchmarks replay: ten assistant turns written in the
// format LocoOperator-4B emits (nine tool calls, then the report), run through the product's own
// agent and tools on the fixture workspace. At each turn the engine really reads the whole prompt
// and samples one token (the time a user waits before the turn starts streaming); then the
// recorded turn stands in for what it would have written, since a same-shape model writes noise.
import path from 'node:path';
import { projectRoot } from './importTypeScript.mjs';

export const EXPLORATION = path.join(projectRoot, 'scripts', 'fixtures', 'exploration-10-turns.json');
export const FIXTURE_WORKSPACE = path.join(projectRoot, 'test', 'fixtures', 'workspace');
export const QUESTION = 'How does the server handle a request, from the route to where the tasks are kept?';

/**
 * A ChatModel that prepares and prefills on `client` and answers with the recorded turns;
 * `turns` collects each turn's prompt size, evaluated tokens and time to first token.
 */
export async function forcedReplay(client, loadScriptedModel) {
  const recorded = await loadScriptedModel(EXPLORATION, FIXTURE_WORKSPACE);
  const turns = [];
  const model = {
    get contextSize() {
      return client.contextSize;
    },
    prepare: (signal) => client.prepare(signal),
    async complete(request, options) {
      const started = performance.now();
      const engine = await client.complete({ prompt: request.prompt, sampling: { ...request.sampling, maxTokens: 1 } }, { signal: options.signal });
      turns.push({ promptTokens: engine.promptTokens, evaluatedTokens: engine.evaluatedTokens, timeToFirstTokenMs: engine.timeToFirstTokenMs ?? performance.now() - started });
      const turn = await recorded.complete(request, options);
      return { ...turn, promptTokens: engine.promptTokens, evaluatedTokens: engine.evaluatedTokens };
    },
  };
  return { model, turns };
}
