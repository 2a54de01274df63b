// How long a user waits for the first answer at LocoOperator-4B's real size, and what the model
// holds in memory meanwhile. Same file, same threads, one run; not part of `npm test` (tens of
// minutes on two cores). The model is the same-shape LocoOperator-4B (generated once) or
// LOCOOPERATOR_MODEL_PATH. Writes bench-results/first-answer.json.
//
//   npm run bench:first-answer
//   BENCH_SECTIONS=firstAnswer|windows  BENCH_THREADS=2  BENCH_TYPING_MS=5000  BENCH_CONTEXT=16384
//
// firstAnswer: from the question to the first tool card and to the report, for the same 10-turn
//   exploration bench:real-size replays, with (a) a cold model (the question starts the load),
//   (b) a model that started loading when the user started typing, BENCH_TYPING_MS before the
//   question (what locooperator.model.loadWhen = onType does), (c) a warm model.
// windows: load time and the model host's memory (file-backed and anonymous) after loading and
//   after the exploration, at windows of 8K, 16K, 32K and 51,200 tokens.
//
// Figures move by 3x with other work on the machine: compare only within one quiet run.
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ensureLlamaCpp } from './llama-cpp/build.mjs';
import { importTypeScript, projectRoot } from './importTypeScript.mjs';
import { FIXTURE_WORKSPACE, forcedReplay, QUESTION } from './forcedReplay.mjs';

const hostScript = path.join(projectRoot, 'dist', 'model-host.mjs');
const SECTIONS = (process.env.BENCH_SECTIONS ?? 'firstAnswer,windows').split(',');
const TYPING_MS = Number(process.env.BENCH_TYPING_MS ?? 5000);
const WINDOWS = [8192, 16_384, 32_768, 51_200];
const log = (line) => process.stderr.write(`[bench:first-answer] ${line}\n`);
const live = () => new AbortController().signal;
const seconds = (ms) => (ms === undefined ? '-' : (ms / 1000).toFixed(1));
const gib = (bytes) => (bytes / 2 ** 30).toFixed(2);

/** The model host's resident memory now: file-backed (the mapped model) and anonymous (KV cache, buffers). */
function memoryOf(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024;
    return { rssFileBytes: kb('RssFile'), rssAnonBytes: kb('RssAnon') };
  } catch {
    return undefined;
  }
}

/** Runs the exploration as the product does and times its first tool card and its report from `askedAt`. */
async function explore(client, modules, askedAt) {
  const { model, turns } = await forcedReplay(client, modules.loadScriptedModel);
  const session = new modules.AgentSession({ model, tools: modules.createExplorerTools(), cwd: FIXTURE_WORKSPACE, roots: [FIXTURE_WORKSPACE] });
  let firstCardMs;
  const outcome = await session.ask(QUESTION, {
    signal: live(),
    onEvent: (event) => {
      if (event.type === 'tool/call' && firstCardMs === undefined) firstCardMs = performance.now() - askedAt;
    },
  });
  return { firstCardMs, reportMs: performance.now() - askedAt, turns: turns.length, reason: outcome.reason };
}

async function firstAnswerSection(model, modules, threads, contextSize) {
  const newClient = () => modules.createModelClient({ modelPath: model, hostScript, threads, contextSize, gpu: 'auto', idleUnloadMs: 0 });
  const cases = {};
  // (a) cold: nothing loaded when the question is asked.
  {
    const client = newClient();
    const askedAt = performance.now();
    cases.cold = await explore(client, modules, askedAt);
    cases.cold.contextSize = client.contextSize;
    await client.dispose();
  }
  // (b) loaded while typing: the first keystroke starts the load, the question comes TYPING_MS later.
  {
    const client = newClient();
    const loading = client.prepare(live());
    await sleep(TYPING_MS);
    const askedAt = performance.now();
    cases.typing = await explore(client, modules, askedAt);
    await loading;
    await client.dispose();
  }
  // (c) warm: loaded and used once before.
  {
    const client = newClient();
    await client.load();
    await client.complete({ prompt: [{ text: 'warm up', special: false }], sampling: { seed: 1, maxTokens: 1 } }, { signal: live() });
    const askedAt = performance.now();
    cases.warm = await explore(client, modules, askedAt);
    await client.dispose();
  }
  const ratio = (key, a, b) => cases[a][key] / cases[b][key];
  const ratios = {
    firstCard: { typingVsCold: ratio('firstCardMs', 'typing', 'cold'), warmVsCold: ratio('firstCardMs', 'warm', 'cold') },
    report: { typingVsCold: ratio('reportMs', 'typing', 'cold'), warmVsCold: ratio('reportMs', 'warm', 'cold') },
  };
  console.log(`\nTime from the question (${threads} threads, window ${cases.cold.contextSize}, typing ${seconds(TYPING_MS)} s; load average ${os.loadavg()[0].toFixed(1)})`);
  console.log('  case                      first tool card   report');
  for (const [name, label] of [['cold', '(a) cold model'], ['typing', '(b) loaded while typing'], ['warm', '(c) warm model']]) {
    console.log(`  ${label.padEnd(24)}  ${seconds(cases[name].firstCardMs).padStart(13)} s  ${seconds(cases[name].reportMs).padStart(6)} s`);
  }
  console.log(`  ratios to cold: first card typing ${ratios.firstCard.typingVsCold.toFixed(2)}x, warm ${ratios.firstCard.warmVsCold.toFixed(2)}x; report typing ${ratios.report.typingVsCold.toFixed(2)}x, warm ${ratios.report.warmVsCold.toFixed(2)}x`);
  return { typingMs: TYPING_MS, cases, ratios };
}

async function windowsSection(model, modules, threads) {
  const rows = [];
  for (const contextSize of WINDOWS) {
    const client = modules.createModelClient({ modelPath: model, hostScript, threads, contextSize, gpu: 'auto', idleUnloadMs: 0 });
    const started = performance.now();
    try {
      await client.load();
    } catch (error) {
      // A model that declares a smaller window (a test model) has no row for the larger ones.
      if (error.problem !== 'contextTooLarge') throw error;
      log(`window ${contextSize}: ${error.message}`);
      continue;
    }
    const loadMs = performance.now() - started;
    const pid = client.status().pid;
    const afterLoad = memoryOf(pid);
    const exploration = await explore(client, modules, performance.now());
    const afterExploration = memoryOf(pid);
    await client.dispose();
    rows.push({ contextSize, loadMs, afterLoad, afterExploration, explorationMs: exploration.reportMs });
    log(`window ${contextSize}: load ${seconds(loadMs)} s, anonymous ${gib(afterLoad?.rssAnonBytes ?? 0)} GiB after load (load ${os.loadavg()[0].toFixed(1)})`);
  }
  console.log(`\nWindows (${threads} threads): load time and the model host's memory, after loading and after the 10-turn exploration`);
  console.log('  window   load s   file GiB   anon GiB (load)   anon GiB (exploration)   exploration s');
  for (const row of rows) {
    console.log(
      `  ${String(row.contextSize).padStart(6)}  ${seconds(row.loadMs).padStart(7)}  ${gib(row.afterLoad?.rssFileBytes ?? 0).padStart(9)}  ${gib(row.afterLoad?.rssAnonBytes ?? 0).padStart(16)}  ${gib(row.afterExploration?.rssAnonBytes ?? 0).padStart(23)}  ${seconds(row.explorationMs).padStart(14)}`,
    );
  }
  return rows;
}

async function main() {
  if (!existsSync(hostScript)) throw new Error('dist/model-host.mjs is missing: run `npm run build` first.');
  process.env.LOCOOPERATOR_BASH_WORKER ??= path.join(projectRoot, 'dist', 'bashWorker.js');
  const modules = await importTypeScript('firstAnswer', [
    "export { createModelClient } from './src/model/modelClient';",
    "export { physicalCores } from './src/model/cpuCores';",
    "export { sameShapeModelFile } from './test/fakes/sameShapeGguf';",
    "export { AgentSession } from './src/agent/session';",
    "export { createExplorerTools } from './src/tools/registry';",
    "export { loadScriptedModel } from './src/model/scriptedModel';",
  ]);
  const threads = Number(process.env.BENCH_THREADS ?? modules.physicalCores());
  // The product's default window unless BENCH_CONTEXT names one.
  const contextSize = process.env.BENCH_CONTEXT ? Number(process.env.BENCH_CONTEXT) : 'auto';
  const model = process.env.LOCOOPERATOR_MODEL_PATH || (await modules.sameShapeModelFile(path.join(ensureLlamaCpp(), 'llama-quantize'), log));
  log(`model ${model}, ${threads} threads; load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  const firstAnswer = SECTIONS.includes('firstAnswer') ? await firstAnswerSection(model, modules, threads, contextSize) : undefined;
  const windows = SECTIONS.includes('windows') ? await windowsSection(model, modules, threads) : undefined;
  const results = {
    date: new Date().toISOString(),
    model,
    threads,
    machine: { cpu: os.cpus()[0]?.model, cores: os.availableParallelism(), memoryBytes: os.totalmem(), loadAverage: os.loadavg() },
    firstAnswer,
    ratios: firstAnswer?.ratios,
    windows,
  };
  await mkdir(path.join(projectRoot, 'bench-results'), { recursive: true });
  await writeFile(path.join(projectRoot, 'bench-results', 'first-answer.json'), `${JSON.stringify(results, null, 2)}\n`);
  log('wrote bench-results/first-answer.json');
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
