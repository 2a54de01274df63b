// Benchmarks the embedded engine (dist/model-host.mjs through the ModelClient) on a scripted
// 10-turn exploration: the agent's prompt renderer builds each turn's prompt from the previous
// prompt, the text the model generated and scripted tool responses (files of the fixture
// workspace). The same prompts are then replayed with KV-cache reuse disabled, as the baseline,
// in the same invocation. Prints a table and writes bench-results/engine.json.
//
// The tiny generated qwen3 model (with the real Qwen3 vocabulary, so token counts are the real
// model's) is used by default; LOCOOPERATOR_MODEL_PATH=/path/model.gguf runs it on a real model.
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { importTypeScript, projectRoot } from './importTypeScript.mjs';
import { TURNS, exploration, ms, printTable, runConversation, scriptedToolResponses, subAgentThenResume, summarise } from './bench-conversation.mjs';

const hostScript = path.join(projectRoot, 'dist', 'model-host.mjs');
const realModel = process.env.LOCOOPERATOR_MODEL_PATH;
// The real model writes real tool calls; 96 tokens keeps a CPU run to minutes.
const MAX_TOKENS = Number(process.env.BENCH_MAX_TOKENS ?? (realModel ? 96 : 64));
const SEED = 7;

/** The TypeScript the benchmark needs. */
function loadModules() {
  return importTypeScript('engine', [
    "export { createModelClient } from './src/model/modelClient';",
    "export { renderPrompt, systemPrompt } from './src/agent/prompt';",
    "export { tinyGgufFile } from './test/fakes/tinyGguf';",
  ]);
}

/** How long a cancel takes to come back, during a long prefill and during generation. */
async function cancelLatency(client, renderPrompt, system) {
  const longText = (await readFile(path.join(projectRoot, 'test/fixtures/workspace/web/static/charts.min.js'), 'utf8')).repeat(4);
  const measure = async (prompt, trigger) => {
    const abort = new AbortController();
    let abortedAt;
    const stop = () => {
      if (abortedAt !== undefined) return;
      abortedAt = performance.now();
      abort.abort();
    };
    const result = await client.complete(
      { prompt, sampling: { seed: 1, maxTokens: 4000, temperature: 1.5 } },
      { signal: abort.signal, ...trigger(stop) },
    );
    return { latencyMs: abortedAt === undefined ? undefined : performance.now() - abortedAt, stopReason: result.stopReason, evaluatedTokens: result.evaluatedTokens, promptTokens: result.promptTokens };
  };
  const prefill = await measure(
    renderPrompt([{ role: 'system', content: system }, { role: 'user', content: `Explain this file:\n${longText}` }]),
    (stop) => ({ onProgress: (evaluated) => evaluated > 0 && stop() }),
  );
  let chunks = 0;
  const generation = await measure(
    renderPrompt([{ role: 'system', content: system }, { role: 'user', content: 'Write at length.' }]),
    (stop) => ({ onText: () => ++chunks === 10 && stop() }),
  );
  return { prefill, generation };
}

async function main() {
  if (!existsSync(hostScript)) throw new Error('dist/model-host.mjs is missing: run `npm run build` first.');
  const { createModelClient, renderPrompt, systemPrompt, tinyGgufFile } = await loadModules();
  // The real Qwen3 vocabulary makes the tiny model's token counts those of LocoOperator-4B.
  const modelPath = realModel ?? (await tinyGgufFile({ tokenizer: 'qwen3' }));
  const threads = realModel ? undefined : 1;
  const contextSize = realModel ? 'auto' : 32_768;
  const root = '/work/project';
  const system = systemPrompt({ cwd: root, platform: 'linux', shell: 'bash' });
  const responses = await scriptedToolResponses(root);
  console.log(`Engine benchmark: ${realModel ? path.basename(realModel) : 'tiny generated qwen3 model'}, ${TURNS} turns, ${MAX_TOKENS} tokens per reply`);

  const makeClient = (reuseCache) =>
    createModelClient({ modelPath, hostScript, threads, contextSize, gpu: 'auto', reuseCache, idleUnloadMs: 0 });

  // With cache reuse: each prompt is built from the previous prompt and what the model wrote.
  const reuse = makeClient(true);
  const loaded = await reuse.load();
  const { conversation, prompts, nextPrompt } = exploration(renderPrompt, system, responses);
  const { turns: reuseTurns, last } = await runConversation(reuse, SEED, MAX_TOKENS, nextPrompt);
  // A sub-agent (Task) runs three turns of its own, then the main conversation resumes: its KV
  // cache was saved when the sub-agent took the sequence, and is restored.
  const afterSubAgent = await subAgentThenResume(reuse, renderPrompt, system, responses, conversation, last, MAX_TOKENS);
  // A second question in the same session: only the system prompt's prefix is shared.
  const second = await reuse.complete(
    { prompt: renderPrompt([{ role: 'system', content: system }, { role: 'user', content: 'Where are the tests?' }]), sampling: { seed: 1, maxTokens: MAX_TOKENS } },
    { signal: new AbortController().signal },
  );
  const cancel = await cancelLatency(reuse, renderPrompt, system);
  const reuseStatus = reuse.status();
  await reuse.dispose();

  // Baseline: the same prompts, every one evaluated from scratch.
  const baseline = makeClient(false);
  await baseline.load();
  const { turns: baselineTurns } = await runConversation(baseline, SEED, MAX_TOKENS, (turn) => prompts[turn - 1]);
  const baselineStatus = baseline.status();
  await baseline.dispose();

  printTable('With KV-cache reuse', reuseTurns);
  printTable('Baseline: cache reuse disabled (same prompts)', baselineTurns);
  const withReuse = summarise(reuseTurns);
  const without = summarise(baselineTurns);
  console.log('\nSummary');
  console.log(`  evaluated / appended tokens, turns 2-10: ${withReuse.evaluatedPerAppendedTurns2to10.toFixed(3)} with reuse, ${without.evaluatedPerAppendedTurns2to10.toFixed(2)} without`);
  console.log(`  prompt tokens evaluated over 10 turns:    ${withReuse.evaluatedTokensTotal} with reuse, ${without.evaluatedTokensTotal} without (${(without.evaluatedTokensTotal / withReuse.evaluatedTokensTotal).toFixed(1)}x)`);
  console.log(`  time to first token, mean of turns 2-10:  ${ms(withReuse.meanTimeToFirstTokenMsTurns2to10)} ms with reuse, ${ms(without.meanTimeToFirstTokenMsTurns2to10)} ms without`);
  console.log(`  prefill: ${withReuse.prefillTokensPerSecond?.toFixed(0)} tok/s with reuse, ${without.prefillTokensPerSecond?.toFixed(0)} tok/s without; generation: ${withReuse.generationTokensPerSecond.toFixed(0)} / ${without.generationTokensPerSecond.toFixed(0)} tok/s`);
  console.log(
    `  main conversation resumed after a 3-turn sub-agent: ${afterSubAgent.evaluatedTokens} of ${afterSubAgent.promptTokens} prompt tokens evaluated ` +
      `(${afterSubAgent.appendedTokens} appended), TTFT ${ms(afterSubAgent.timeToFirstTokenMs)} ms`,
  );
  console.log(`  second question, same system prompt: ${second.evaluatedTokens} of ${second.promptTokens} prompt tokens evaluated`);
  console.log(`  cancel latency: ${ms(cancel.prefill.latencyMs)} ms during prefill (${cancel.prefill.stopReason}), ${ms(cancel.generation.latencyMs)} ms during generation (${cancel.generation.stopReason})`);
  console.log(`  model host peak RSS: ${(reuseStatus.peakRssBytes / 2 ** 20).toFixed(0)} MiB with reuse, ${(baselineStatus.peakRssBytes / 2 ** 20).toFixed(0)} MiB baseline`);
  console.log(`  backend ${loaded.backend}, context ${loaded.contextSize}, threads ${loaded.threads}; token meter (input/output): ${reuseStatus.tokenMeter?.input}/${reuseStatus.tokenMeter?.output}`);

  const results = {
    date: new Date().toISOString(),
    machine: { cpu: os.cpus()[0]?.model, cores: os.availableParallelism(), memoryBytes: os.totalmem(), platform: `${os.platform()} ${os.arch()}`, node: process.version },
    model: realModel ? path.basename(realModel) : 'tiny generated qwen3 (64 hidden, 2 layers, F16, Qwen3 vocabulary)',
    backend: loaded.backend,
    contextSize: loaded.contextSize,
    threads: loaded.threads,
    maxTokensPerReply: MAX_TOKENS,
    withReuse: { summary: withReuse, turns: reuseTurns, peakRssBytes: reuseStatus.peakRssBytes, tokenMeter: reuseStatus.tokenMeter },
    baseline: { summary: without, turns: baselineTurns, peakRssBytes: baselineStatus.peakRssBytes, tokenMeter: baselineStatus.tokenMeter },
    afterSubAgent,
    secondQuestion: { promptTokens: second.promptTokens, evaluatedTokens: second.evaluatedTokens },
    cancel,
  };
  const out = path.join(projectRoot, 'bench-results', 'engine.json');
  await mkdir(path.dirname(out), { recursive: true });
  await writeFile(out, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\nWrote ${path.relative(projectRoot, out)}`);
}

await main();
