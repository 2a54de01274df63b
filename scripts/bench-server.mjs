// Benchmarks the llama-server back-end on the engine benchmark's scripted 10-turn exploration
// (scripts/bench-conversation.mjs): per turn, the tokens appended since the last turn and the tokens
// the server evaluated by its own count (timings.prompt_n), with its prompt cache (cache_prompt)
// and, as the baseline in the same invocation, without it. Prints a table and writes
// bench-results/server.json.
//
// By default it starts the cached llama-server build (scripts/llama-cpp/build.mjs; built if
// missing) on a loopback port, one thread, serving the tiny generated qwen3 model with the real
// Qwen3 vocabulary. LOCOOPERATOR_BENCH_SERVER=http://host:port measures a running llama-server
// instead (LOCOOPERATOR_SERVER_API_KEY for its key).
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { importTypeScript, projectRoot } from './importTypeScript.mjs';
import { TURNS, exploration, printTable, runConversation, scriptedToolResponses, subAgentThenResume, summarise } from './bench-conversation.mjs';

const MAX_TOKENS = Number(process.env.BENCH_MAX_TOKENS ?? 64);
const SEED = 7;
const givenServer = process.env.LOCOOPERATOR_BENCH_SERVER;
// The tiny model writes random tokens, many of them fragments of UTF-8 characters, and llama-server
// fails a request whose output is not valid UTF-8 (its output parser rejects it). Words keep the
// noise to text a real model writes. A real server's model writes freely.
const TINY_MODEL_GRAMMAR = 'root ::= ([a-z]+ " ")+';

function loadModules() {
  return importTypeScript('server', [
    "export { createServerModel } from './src/model/server/serverBackends';",
    "export { renderPrompt, systemPrompt } from './src/agent/prompt';",
    "export { tinyGgufFile } from './test/fakes/tinyGguf';",
    "export { startLlamaServer } from './test/engine/llamaServerProcess';",
  ]);
}

async function main() {
  const { createServerModel, renderPrompt, systemPrompt, tinyGgufFile, startLlamaServer } = await loadModules();
  let started;
  let server = givenServer;
  if (!server) {
    const startedAt = performance.now();
    started = await startLlamaServer(await tinyGgufFile({ tokenizer: 'qwen3' }), ['--ctx-size', '32768']);
    server = started.url;
    console.log(`llama-server (tiny generated qwen3 model, Qwen3 vocabulary) ready at ${server} in ${Math.round(performance.now() - startedAt)} ms`);
  }
  try {
    const options = {
      url: server,
      apiKey: process.env.LOCOOPERATOR_SERVER_API_KEY || undefined,
      hints: { apiKey: 'Set LOCOOPERATOR_SERVER_API_KEY.', limits: { connect: '', firstByte: '', idle: '' } },
      limits: { connect: 0, firstByte: 0, idle: 0 },
      grammar: givenServer ? undefined : TINY_MODEL_GRAMMAR,
    };
    const root = '/work/project';
    const system = systemPrompt({ cwd: root, platform: 'linux', shell: 'bash' });
    const responses = await scriptedToolResponses(root);

    const reuse = createServerModel('llama-server', options);
    const identity = await reuse.connect();
    console.log(`Server benchmark: ${identity.model} on llama-server at ${identity.url}, context ${identity.contextSize}, ${TURNS} turns, ${MAX_TOKENS} tokens per reply`);
    const { conversation, prompts, nextPrompt } = exploration(renderPrompt, system, responses);
    const { turns: reuseTurns, last } = await runConversation(reuse, SEED, MAX_TOKENS, nextPrompt);
    // The sub-agent takes the slot; llama-server's host-memory prompt cache can bring the main conversation back.
    const afterSubAgent = await subAgentThenResume(reuse, renderPrompt, system, responses, conversation, last, MAX_TOKENS);

    // Baseline: the same prompts with the server's prompt cache off.
    const baseline = createServerModel('llama-server', { ...options, reuseCache: false });
    const { turns: baselineTurns } = await runConversation(baseline, SEED, MAX_TOKENS, (turn) => prompts[turn - 1]);

    printTable('llama-server with its prompt cache (evaluated = timings.prompt_n)', reuseTurns);
    printTable('Baseline: cache_prompt off (same prompts)', baselineTurns);
    const withReuse = summarise(reuseTurns);
    const without = summarise(baselineTurns);
    console.log('\nSummary');
    console.log(`  evaluated / appended tokens, turns 2-10: ${withReuse.evaluatedPerAppendedTurns2to10.toFixed(3)} with the prompt cache, ${without.evaluatedPerAppendedTurns2to10.toFixed(2)} without`);
    console.log(`  per turn (2-10): ${reuseTurns.slice(1).map((t) => t.ratio.toFixed(2)).join(' ')}`);
    console.log(`  prompt tokens evaluated over 10 turns: ${withReuse.evaluatedTokensTotal} with the cache, ${without.evaluatedTokensTotal} without`);
    console.log(
      `  main conversation resumed after a 3-turn sub-agent: ${afterSubAgent.evaluatedTokens} of ${afterSubAgent.promptTokens} prompt tokens evaluated ` +
        `(${afterSubAgent.appendedTokens} appended)`,
    );

    const results = {
      date: new Date().toISOString(),
      machine: { cpu: os.cpus()[0]?.model, cores: os.availableParallelism(), platform: `${os.platform()} ${os.arch()}`, node: process.version },
      server: { url: identity.url, model: identity.model, contextSize: identity.contextSize, startedHere: !givenServer },
      maxTokensPerReply: MAX_TOKENS,
      withCache: { summary: withReuse, turns: reuseTurns },
      afterSubAgent,
      baseline: { summary: without, turns: baselineTurns },
    };
    const out = path.join(projectRoot, 'bench-results', 'server.json');
    await mkdir(path.dirname(out), { recursive: true });
    await writeFile(out, `${JSON.stringify(results, null, 2)}\n`);
    console.log(`\nWrote ${path.relative(projectRoot, out)}`);
  } finally {
    await started?.stop();
  }
}

await main();
