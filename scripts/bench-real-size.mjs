// Benchmarks the embedded engine at LocoOperator-4B's real size against llama.cpp's own benchmark
// (llama-bench, built from the llama.cpp source node-llama-cpp ships) on the same file and thread
// count, in the same run. The model is the same-shape LocoOperator-4B (random weights; generated
// once, ~5 minutes) or LOCOOPERATOR_MODEL_PATH. Prints a table and writes
// bench-results/real-size.json. Not part of `npm test`: on two CPU cores it takes tens of minutes.
//
//   npm run bench:real-size
//   BENCH_PROMPTS=512,2048 BENCH_THREADS=2 npm run bench:real-size     (a shorter run)
//   BENCH_SECTIONS=speed,kv,kvSpeed,replay,autoContext; BENCH_UBATCH=512 (some parts; llama-bench's micro-batches)
//   BENCH_KV_ROUNDS=1 BENCH_KV_DEPTHS=0,2048                             (a shorter kvSpeed)
//   BENCH_DECODE_ROUNDS=3                                                (fewer decode pairs)
//
// Figures move by 3x with other work on the machine: compare only within one quiet run (the load
// average is printed with the results).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ensureLlamaCpp } from './llama-cpp/build.mjs';
import { importTypeScript, projectRoot } from './importTypeScript.mjs';
import { FIXTURE_WORKSPACE, forcedReplay, QUESTION } from './forcedReplay.mjs';

const hostScript = path.join(projectRoot, 'dist', 'model-host.mjs');
const PROMPTS = (process.env.BENCH_PROMPTS ?? '512,2048,8192').split(',').map(Number);
/** CPU threads for both sides: BENCH_THREADS, else the physical cores (the product's default). */
let THREADS;
const DECODE_TOKENS = 64;
/**
 * Decode is compared in rounds that alternate the engine and llama-bench: this VM's decode speed
 * drifts by a quarter from one minute to the next, so one run of each compares two machines.
 */
const DECODE_ROUNDS = Number(process.env.BENCH_DECODE_ROUNDS ?? 6);
const KV_CONTEXTS = [8192, 16_384, 32_768, 51_200];
/** llama-bench's micro-batch sizes; its best is the yardstick (64 was best at 512 tokens here, 512 at 2,048). */
const MICRO_BATCHES = process.env.BENCH_UBATCH ?? '64,512';
/** Which parts run: `speed` (against llama-bench, cancel, parking), `kv` (KV-cache memory), `kvSpeed` (KV types and flash attention, llama-bench only), `replay` (a 10-turn exploration), `autoContext` (the window `auto` picks here, and its memory). */
const SECTIONS = (process.env.BENCH_SECTIONS ?? 'speed,kv,kvSpeed,replay,autoContext').split(',');
/** The KV-cache settings compared by `kvSpeed`; quantised V needs flash attention in llama.cpp. */
const KV_SETTINGS = [
  { name: 'f16, flash attention off', args: ['-fa', '0', '-ctk', 'f16', '-ctv', 'f16'] },
  { name: 'f16, flash attention on', args: ['-fa', '1', '-ctk', 'f16', '-ctv', 'f16'] },
  { name: 'q8_0, flash attention on', args: ['-fa', '1', '-ctk', 'q8_0', '-ctv', 'q8_0'] },
];
/** Conversation depths for `kvSpeed`: an empty cache, and one a few turns into an exploration. */
const KV_DEPTHS = (process.env.BENCH_KV_DEPTHS ?? '0,4096').split(',').map(Number);
/** Rounds of `kvSpeed` (settings taking turns); the best of them counts. */
const KV_ROUNDS = Number(process.env.BENCH_KV_ROUNDS ?? 2);
const log = (line) => process.stderr.write(`[bench:real-size] ${line}\n`);

function runLlamaBench(bin, args) {
  log(`llama-bench ${args.join(' ')}`);
  return JSON.parse(execFileSync(path.join(bin, 'llama-bench'), [...args, '-o', 'json'], { encoding: 'utf8', maxBuffer: 64 * 2 ** 20, stdio: ['ignore', 'pipe', 'ignore'] }));
}

/** llama-bench's prefill (pp) speeds, every micro-batch size tried; the best is the yardstick. */
function llamaBenchPrefill(bin, model) {
  const rows = runLlamaBench(bin, ['-m', model, '-t', String(THREADS), '-p', PROMPTS.join(','), '-n', '0', '-ub', MICRO_BATCHES, '-r', '1']);
  const prefill = Object.fromEntries(
    PROMPTS.map((n) => {
      const runs = rows.filter((row) => row.n_prompt === n && row.n_gen === 0);
      return [n, { best: Math.max(...runs.map((row) => row.avg_ts)), byMicroBatch: Object.fromEntries(runs.map((row) => [row.n_ubatch, row.avg_ts])) }];
    }),
  );
  return { prefill, build: rows[0]?.build_commit };
}

/**
 * Decode, the engine's against llama-bench's, in DECODE_ROUNDS alternating pairs: the engine
 * writes DECODE_TOKENS tokens (sampled as the product samples, streamed to this process), then
 * llama-bench decodes as many. The ratio is the median of the pairs' ratios.
 */
async function decodePairs(bin, model, client) {
  const rounds = [];
  for (let round = 0; round < DECODE_ROUNDS; round++) {
    const run = await client.complete(
      { prompt: [{ text: `${round} Write a long story about a server.`, special: false }], sampling: { seed: 3 + round, maxTokens: DECODE_TOKENS, temperature: 0.7 } },
      { signal: live() },
    );
    // The first token comes from the prefill; generationMs spans the decode steps after it.
    const ours = (run.completionTokens - 1) / ((run.generationMs ?? Infinity) / 1000);
    const [row] = runLlamaBench(bin, ['-m', model, '-t', String(THREADS), '-p', '0', '-n', String(DECODE_TOKENS), '-r', '1']);
    rounds.push({ ours, llamaBench: row.avg_ts, ratio: ours / row.avg_ts, loadAverage: os.loadavg()[0] });
    log(`decode round ${round + 1}: ours ${ours.toFixed(2)} tok/s, llama-bench ${row.avg_ts.toFixed(2)} (${(ours / row.avg_ts).toFixed(2)}x, load ${os.loadavg()[0].toFixed(1)})`);
  }
  const median = (values) => {
    const sorted = [...values].sort((a, b) => a - b);
    const middle = sorted.length >> 1;
    return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  };
  return {
    rounds,
    tokensPerSecond: median(rounds.map((r) => r.ours)),
    llamaBenchTokensPerSecond: median(rounds.map((r) => r.llamaBench)),
    medianRatio: median(rounds.map((r) => r.ratio)),
  };
}

/** The model host's memory, sampled while the benchmark runs: file-backed (the mapped model) apart from anonymous (KV cache, buffers). */
function memorySampler(pid) {
  const peak = { rssFileBytes: 0, rssAnonBytes: 0, vmHwmBytes: 0 };
  const read = () => {
    try {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      const kb = (key) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024;
      peak.rssFileBytes = Math.max(peak.rssFileBytes, kb('RssFile'));
      peak.rssAnonBytes = Math.max(peak.rssAnonBytes, kb('RssAnon'));
      peak.vmHwmBytes = Math.max(peak.vmHwmBytes, kb('VmHWM'));
    } catch {
      // the process is gone, or this is not Linux
    }
  };
  const timer = setInterval(read, 100);
  return { peak, stop: () => (clearInterval(timer), read(), peak) };
}

const live = () => new AbortController().signal;

/** Starts llama-server on the model with a context and KV type, and reads its memory once it is ready. */
async function serverMemory(bin, model, contextSize, kvType) {
  const { spawn } = await import('node:child_process');
  const port = 18_000 + Math.floor(Math.random() * 2000);
  const args = ['-m', model, '-c', String(contextSize), '-np', '1', '-t', String(THREADS), '-ctk', kvType, '-ctv', kvType, '-fa', 'on', '--host', '127.0.0.1', '--port', String(port)];
  const server = spawn(path.join(bin, 'llama-server'), args, { stdio: 'ignore' });
  try {
    for (let attempt = 0; attempt < 600; attempt++) {
      const healthy = await fetch(`http://127.0.0.1:${port}/health`).then((response) => response.ok, () => false);
      if (healthy) break;
      if (server.exitCode !== null) throw new Error(`llama-server exited (${server.exitCode}) for context ${contextSize}, KV ${kvType}`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    const status = readFileSync(`/proc/${server.pid}/status`, 'utf8');
    const kb = (key) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024;
    return { rssAnonBytes: kb('RssAnon'), rssFileBytes: kb('RssFile') };
  } finally {
    server.kill();
  }
}

/**
 * KV-cache memory at the contexts a user may choose (the authors serve LocoOperator-4B with
 * 51,200), f16 against q8_0, measured on llama.cpp's own server as the anonymous memory above the
 * same server with a 512-token context (llama.cpp clears the cache when it allocates it, so every
 * page of it is resident).
 */
async function kvMemory(bin, model) {
  const rows = [];
  for (const kvType of ['f16', 'q8_0']) {
    const base = await serverMemory(bin, model, 512, kvType);
    for (const contextSize of KV_CONTEXTS) {
      const measured = await serverMemory(bin, model, contextSize, kvType);
      rows.push({ kvType, contextSize, kvBytes: measured.rssAnonBytes - base.rssAnonBytes, rssAnonBytes: measured.rssAnonBytes, rssFileBytes: measured.rssFileBytes });
      log(`KV ${kvType} at ${contextSize}: ${((measured.rssAnonBytes - base.rssAnonBytes) / 2 ** 30).toFixed(2)} GiB (anonymous ${(measured.rssAnonBytes / 2 ** 30).toFixed(2)} GiB)`);
    }
  }
  return rows;
}

/**
 * What the KV-cache type and flash attention cost in speed: a 512-token prefill (one tool result)
 * and 32 decoded tokens on an empty cache and at depth, for each setting. The settings take turns
 * (ABC ABC) so that a change in the machine's load falls on all of them; the best of the rounds
 * counts.
 */
function kvSpeed(bin, model) {
  const rows = [];
  for (let round = 0; round < KV_ROUNDS; round++) {
    for (const setting of KV_SETTINGS) {
      const args = ['-m', model, '-t', String(THREADS), '-p', '512', '-n', '32', '-d', KV_DEPTHS.join(','), '-ub', '512', '-r', '1', ...setting.args, '-o', 'json'];
      log(`llama-bench ${args.join(' ')} (round ${round + 1}, load ${os.loadavg()[0].toFixed(1)})`);
      const out = JSON.parse(execFileSync(path.join(bin, 'llama-bench'), args, { encoding: 'utf8', maxBuffer: 64 * 2 ** 20, stdio: ['ignore', 'pipe', 'ignore'] }));
      for (const row of out) {
        const test = row.n_gen > 0 ? `tg${row.n_gen}` : `pp${row.n_prompt}`;
        const key = { setting: setting.name, test, depth: row.n_depth };
        log(`  ${setting.name}: ${test} at depth ${row.n_depth}: ${row.avg_ts.toFixed(2)} tok/s`);
        const known = rows.find((r) => r.setting === key.setting && r.test === key.test && r.depth === key.depth);
        if (known) known.tokensPerSecond = Math.max(known.tokensPerSecond, row.avg_ts);
        else rows.push({ ...key, tokensPerSecond: row.avg_ts });
      }
    }
  }
  console.log(`\nKV type and flash attention (llama-bench, ${THREADS} threads, best of ${KV_ROUNDS} round(s), load average at the end ${os.loadavg()[0].toFixed(1)})`);
  console.log(`  setting                      ${KV_DEPTHS.flatMap((d) => [`pp512@${d}`, `tg32@${d}`]).map((h) => h.padStart(11)).join('')}`);
  for (const setting of KV_SETTINGS) {
    const cells = KV_DEPTHS.flatMap((depth) => ['pp512', 'tg32'].map((test) => rows.find((r) => r.setting === setting.name && r.test === test && r.depth === depth)?.tokensPerSecond.toFixed(2) ?? '-'));
    console.log(`  ${setting.name.padEnd(28)} ${cells.map((c) => c.padStart(11)).join('')}`);
  }
  return rows;
}

/**
 * The time to answer a 10-turn exploration at real size, with KV reuse and without (every turn
 * evaluated from the start: the baseline). The agent loop runs as in the product, with real tools
 * on the fixture workspace; only what the model writes is forced. Each turn the engine prefills the
 * prompt and samples one token (the time a user waits before the turn starts streaming), then the
 * recorded turn stands in for what it would have written.
 */
async function replaySection(model, { createModelClient, AgentSession, createExplorerTools, loadScriptedModel }) {
  const runs = {};
  for (const reuseCache of [true, false]) {
    const client = createModelClient({ modelPath: model, hostScript, threads: THREADS, contextSize: 16_384, gpu: 'auto', idleUnloadMs: 0, reuseCache });
    await client.load();
    await client.complete({ prompt: [{ text: 'warm up', special: false }], sampling: { seed: 1, maxTokens: 1 } }, { signal: live() });
    const { model: forced, turns } = await forcedReplay(client, loadScriptedModel);
    const session = new AgentSession({ model: forced, tools: createExplorerTools(), cwd: FIXTURE_WORKSPACE, roots: [FIXTURE_WORKSPACE] });
    const started = performance.now();
    const outcome = await session.ask(QUESTION, { signal: live(), onEvent: () => {} });
    const answerMs = performance.now() - started;
    await client.dispose();
    const sum = (key) => turns.reduce((total, turn) => total + turn[key], 0);
    const name = reuseCache ? 'withKvReuse' : 'withoutKvReuse';
    runs[name] = { turns, answerMs, evaluatedTokens: sum('evaluatedTokens'), prefillMs: sum('timeToFirstTokenMs'), lastPromptTokens: turns.at(-1)?.promptTokens, reason: outcome.reason, toolCalls: outcome.toolCalls };
    log(`replay ${name}: ${turns.length} turns (${runs[name].toolCalls} tool calls, ${runs[name].reason}) answered in ${(answerMs / 1000).toFixed(1)} s, ${runs[name].evaluatedTokens} tokens evaluated (load ${os.loadavg()[0].toFixed(1)})`);
  }
  const { withKvReuse: reuse, withoutKvReuse: baseline } = runs;
  console.log(`\n10-turn exploration replayed at real size (${THREADS} threads, load average at the end ${os.loadavg()[0].toFixed(1)})`);
  console.log('  turn  prompt   evaluated (reuse)  TTFT s (reuse)   evaluated (none)  TTFT s (none)');
  for (const [index, turn] of reuse.turns.entries()) {
    const other = baseline.turns[index];
    console.log(
      `  ${String(index + 1).padStart(4)}  ${String(turn.promptTokens).padStart(6)}   ${String(turn.evaluatedTokens).padStart(17)}  ${(turn.timeToFirstTokenMs / 1000).toFixed(1).padStart(14)}   ${String(other?.evaluatedTokens ?? '-').padStart(16)}  ${((other?.timeToFirstTokenMs ?? NaN) / 1000).toFixed(1).padStart(13)}`,
    );
  }
  console.log(`  time to answer: ${(reuse.answerMs / 1000).toFixed(1)} s with KV reuse, ${(baseline.answerMs / 1000).toFixed(1)} s without (${(baseline.answerMs / reuse.answerMs).toFixed(2)}x)`);
  return runs;
}

/** The window the product's default (`auto`) gives on this machine, and the model host's memory with it. */
async function autoContextSection(model, { createModelClient }) {
  const availableBefore = os.freemem();
  const client = createModelClient({ modelPath: model, hostScript, threads: THREADS, contextSize: 'auto', gpu: 'auto', idleUnloadMs: 0 });
  const started = performance.now();
  const loaded = await client.load();
  const loadMs = performance.now() - started;
  const memory = memorySampler(client.status().pid);
  await client.complete({ prompt: [{ text: 'a short question', special: false }], sampling: { seed: 1, maxTokens: 1 } }, { signal: live() });
  const peak = memory.stop();
  await client.dispose();
  const result = { availableBytesBefore: availableBefore, contextSize: loaded.contextSize, loadMs, peakMemory: peak };
  console.log(
    `\nauto context: ${loaded.contextSize} tokens with ${(availableBefore / 2 ** 30).toFixed(1)} GiB available before loading; loaded in ${(loadMs / 1000).toFixed(1)} s; ` +
      `model host ${(peak.rssFileBytes / 2 ** 30).toFixed(2)} GiB file-backed, ${(peak.rssAnonBytes / 2 ** 30).toFixed(2)} GiB anonymous`,
  );
  return result;
}

/** Prefill and decode against llama-bench, load, time to first token, memory, cancel and parking. */
async function speedSection(bin, model, { createModelClient, filler }) {
  const yardstick = llamaBenchPrefill(bin, model);

  const contextSize = Math.max(...PROMPTS) + 512;
  const client = createModelClient({ modelPath: model, hostScript, threads: THREADS, contextSize, gpu: 'auto', idleUnloadMs: 0 });
  const loadStarted = performance.now();
  const loaded = await client.load();
  const loadMs = performance.now() - loadStarted;
  const memory = memorySampler(client.status().pid);
  // One warm-up completion: the first evaluation after loading pays page faults and allocations.
  await client.complete({ prompt: [{ text: filler(64, 1), special: false }], sampling: { seed: 1, maxTokens: 1 } }, { signal: live() });

  const prefill = {};
  for (const [index, n] of PROMPTS.entries()) {
    // Plain text of about n tokens that shares nothing with the previous prompt, so all of it is evaluated.
    const prompt = [{ text: `${index} ${filler(n - 2, 100 + index)}`, special: false }];
    const started = performance.now();
    const result = await client.complete({ prompt, sampling: { seed: 1, maxTokens: 1 } }, { signal: live(), onProgress: () => {} });
    const ttft = result.timeToFirstTokenMs ?? performance.now() - started;
    prefill[n] = { promptTokens: result.promptTokens, evaluatedTokens: result.evaluatedTokens, timeToFirstTokenMs: ttft, tokensPerSecond: result.evaluatedTokens / (ttft / 1000) };
    log(`prefill ${result.evaluatedTokens} tokens: ${prefill[n].tokensPerSecond.toFixed(2)} tok/s (llama-bench best ${yardstick.prefill[n].best.toFixed(2)})`);
  }

  const decode = await decodePairs(bin, model, client);

  // Cancel 1 s into the longest prefill: how long until the request answers.
  const abort = new AbortController();
  const longest = Math.max(...PROMPTS);
  const cancelStarted = performance.now();
  const request = client.complete({ prompt: [{ text: `cancel ${filler(longest - 2, 999)}`, special: false }], sampling: { seed: 1, maxTokens: 1 } }, { signal: abort.signal });
  let cancelledAt = 0;
  setTimeout(() => {
    cancelledAt = performance.now();
    abort.abort();
  }, 1000);
  const cancelled = await request;
  const cancel = { promptTokens: longest, stopReason: cancelled.stopReason, latencyMs: performance.now() - cancelledAt, afterMs: cancelledAt - cancelStarted };
  // The next request waits for the batch the cancel left running.
  const nextStarted = performance.now();
  await client.complete({ prompt: [{ text: 'after the cancel', special: false }], sampling: { seed: 1, maxTokens: 1 } }, { signal: live() });
  cancel.nextRequestMs = performance.now() - nextStarted;
  log(`cancel 1 s into a ${longest}-token prefill answered in ${cancel.latencyMs.toFixed(0)} ms; the next request took ${cancel.nextRequestMs.toFixed(0)} ms`);

  // A sub-agent's turn parks the main conversation's KV state to disk, and the main one restores it.
  const main = [{ text: `main ${filler(900, 7)}`, special: false }];
  await client.complete({ prompt: main, sampling: { seed: 1, maxTokens: 1 } }, { signal: live() });
  const subStarted = performance.now();
  const sub = await client.complete({ prompt: [{ text: 'sub-agent question', special: false }], sampling: { seed: 1, maxTokens: 1 } }, { signal: live() });
  const subMs = performance.now() - subStarted;
  const quickStarted = performance.now();
  const quick = await client.complete({ prompt: [{ text: 'another short question', special: false }], sampling: { seed: 1, maxTokens: 1 } }, { signal: live() });
  const quickMs = performance.now() - quickStarted;
  const resumeStarted = performance.now();
  const resumed = await client.complete({ prompt: [...main, { text: ' and more', special: false }], sampling: { seed: 1, maxTokens: 1 } }, { signal: live() });
  const resumeMs = performance.now() - resumeStarted;
  const msPerToken = 1000 / prefill[PROMPTS[0]].tokensPerSecond;
  const parking = {
    parkMs: subMs - quickMs - (sub.evaluatedTokens - quick.evaluatedTokens) * msPerToken,
    restoreMs: resumeMs - quickMs - (resumed.evaluatedTokens - quick.evaluatedTokens) * msPerToken,
    resumedEvaluatedTokens: resumed.evaluatedTokens,
    resumedPromptTokens: resumed.promptTokens,
  };
  log(`park ≈ ${parking.parkMs.toFixed(0)} ms, restore ≈ ${parking.restoreMs.toFixed(0)} ms (resumed: ${resumed.evaluatedTokens} of ${resumed.promptTokens} tokens evaluated)`);

  const peak = memory.stop();
  await client.dispose();

  const rows = PROMPTS.map((n) => [`prefill pp${n}`, prefill[n].tokensPerSecond, yardstick.prefill[n].best, prefill[n].tokensPerSecond / yardstick.prefill[n].best]);
  rows.push([`decode tg${DECODE_TOKENS}`, decode.tokensPerSecond, decode.llamaBenchTokensPerSecond, decode.medianRatio]);
  console.log(`\nReal-size engine vs llama-bench (${path.basename(model)}, ${THREADS} threads, load average at the end ${os.loadavg()[0].toFixed(1)})`);
  console.log(`  case            ours tok/s   llama-bench tok/s   ratio     (decode: medians of ${DECODE_ROUNDS} alternating pairs)`);
  for (const [name, ours, theirs, ratio] of rows) console.log(`  ${name.padEnd(15)} ${ours.toFixed(2).padStart(10)}   ${theirs.toFixed(2).padStart(17)}   ${ratio.toFixed(2)}x`);
  console.log(`  decode pairs (ours/llama-bench): ${decode.rounds.map((r) => r.ratio.toFixed(2)).join(', ')}`);
  console.log(`  load ${loadMs.toFixed(0)} ms; time to first token ${PROMPTS.map((n) => `pp${n} ${(prefill[n].timeToFirstTokenMs / 1000).toFixed(1)} s`).join(', ')}`);
  console.log(`  peak memory of the model host: ${(peak.rssFileBytes / 2 ** 30).toFixed(2)} GiB file-backed, ${(peak.rssAnonBytes / 2 ** 30).toFixed(2)} GiB anonymous (VmHWM ${(peak.vmHwmBytes / 2 ** 30).toFixed(2)} GiB), context ${loaded.contextSize}`);

  return { llamaBench: yardstick, ours: { loadMs, prefill, decode, cancel, parking, peakMemory: peak }, backend: loaded.backend, contextSize: loaded.contextSize };
}

async function main() {
  if (!existsSync(hostScript)) throw new Error('dist/model-host.mjs is missing: run `npm run build` first.');
  const bin = ensureLlamaCpp();
  // Bash runs in a worker thread from its own bundle; this script's bundle is not beside it.
  process.env.LOCOOPERATOR_BASH_WORKER ??= path.join(projectRoot, 'dist', 'bashWorker.js');
  const modules = await importTypeScript('realSize', [
    "export { createModelClient } from './src/model/modelClient';",
    "export { physicalCores } from './src/model/cpuCores';",
    "export { sameShapeModelFile } from './test/fakes/sameShapeGguf';",
    "export { filler } from './test/engine/support';",
    "export { AgentSession } from './src/agent/session';",
    "export { createExplorerTools } from './src/tools/registry';",
    "export { loadScriptedModel } from './src/model/scriptedModel';",
  ]);
  THREADS = Number(process.env.BENCH_THREADS ?? modules.physicalCores());
  const model = process.env.LOCOOPERATOR_MODEL_PATH || (await modules.sameShapeModelFile(path.join(bin, 'llama-quantize'), log));
  log(`model ${model}, ${THREADS} threads, prompts ${PROMPTS.join(', ')}; load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);

  const speed = SECTIONS.includes('speed') ? await speedSection(bin, model, modules) : undefined;
  const kv = SECTIONS.includes('kv') ? await kvMemory(bin, model) : undefined;
  const kvSpeedRows = SECTIONS.includes('kvSpeed') ? kvSpeed(bin, model) : undefined;
  const replay = SECTIONS.includes('replay') ? await replaySection(model, modules) : undefined;
  const autoContext = SECTIONS.includes('autoContext') ? await autoContextSection(model, modules) : undefined;
  if (kv) {
    console.log(`\nKV-cache memory (llama-server, flash attention on, ${THREADS} threads)`);
    console.log('  context    f16 GiB   q8_0 GiB');
    for (const contextSize of KV_CONTEXTS) {
      const of = (type) => (kv.find((row) => row.kvType === type && row.contextSize === contextSize).kvBytes / 2 ** 30).toFixed(2);
      console.log(`  ${String(contextSize).padStart(7)}   ${of('f16').padStart(7)}   ${of('q8_0').padStart(8)}`);
    }
  }

  const results = {
    date: new Date().toISOString(),
    machine: { cpu: os.cpus()[0]?.model, cores: os.availableParallelism(), memoryBytes: os.totalmem(), loadAverage: os.loadavg() },
    model: path.basename(model),
    threads: THREADS,
    ...speed,
    kvMemory: kv,
    kvSpeed: kvSpeedRows,
    replay,
    autoContext,
  };
  const out = path.join(projectRoot, 'bench-results', 'real-size.json');
  await mkdir(path.dirname(out), { recursive: true });
  await writeFile(out, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\nWrote ${path.relative(projectRoot, out)}`);
}

await main();
