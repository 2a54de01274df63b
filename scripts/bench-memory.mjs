// Measures what a Bash command can cost the machine: the peak resident memory of the process that
// runs the tool (host and worker thread together), the peak of each program it starts (ripgrep,
// git), and whether any of those programs is still running after the tool has answered, for
// commands that read or search large files. Each case runs in a fresh process; with
// `--baseline REF` the same cases run first against the project as it is at REF (exported with
// git archive), in the same run, so the two columns compare.
//
//   node scripts/bench-memory.mjs [--baseline main] [--case sort-60] [--ceiling-mb 4096]
//
// Linux only (it reads /proc). A process that passes the ceiling is killed and reported as
// "> ceiling", so that a baseline that would take the machine's memory does not.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, readlinkSync, realpathSync } from 'node:fs';
import { mkdir, open, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';
import { commonJsNodeBundle } from './nodeBundle.mjs';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const MB = 1024 * 1024;
const DATA_VERSION = 2;
/** The Bash timeout of a case: long enough for every bounded answer, short enough that a baseline that spins ends. */
const CASE_TIMEOUT_MS = 60_000;

/** The cases of the finding: simulated commands over files just under the 32 MB a command may read, and ripgrep on a sparse disk image. */
const CASES = [
  { name: 'sort ×60 of a 31 MB file', id: 'sort-60', command: `sort ${Array(60).fill('big31.txt').join(' ')} | tail -1` },
  { name: 'sort ×300 of a 31 MB file', id: 'sort-300', command: `sort ${Array(300).fill('big31.txt').join(' ')} | tail -1` },
  { name: 'diff of two 30 MB files', id: 'diff', command: 'diff a30.txt b30.txt | tail -1' },
  { name: 'jq -s over 20 files (4 MB each)', id: 'jq', command: `jq -s length ${jsonFiles(20)}` },
  // The most a command may still read, with the commands that build the most from it.
  { name: 'sort -u ×2 of a 31 MB file (within budget)', id: 'sort-u-2', command: 'sort -u big31.txt big31.txt | wc -l' },
  { name: 'diff of two 4 MB files (within budget)', id: 'diff-4', command: 'diff a4.txt b4.txt | tail -1' },
  { name: 'jq -s over 7 files (within budget)', id: 'jq-7', command: `jq -s length ${jsonFiles(7)}` },
  { name: 'rg --text on a 64 GB sparse file', id: 'rg-sparse', command: 'rg --text zzz sparse.img', timeoutMs: 5000 },
  { name: 'rg on a 64 GB sparse file, stopped after 2 s', id: 'rg-stop', command: 'rg zzz sparse.img', stopAfterMs: 2000 },
  { name: 'head -c 100 of a 64 GB sparse file', id: 'head-c', command: 'head -c 100 sparse.img | wc -c' },
  { name: 'wc -c of a 64 GB sparse file', id: 'wc-c', command: 'wc -c sparse.img' },
];

function jsonFiles(count) {
  return Array.from({ length: count }, (_, i) => `j${i}.json`).join(' ');
}

const { values } = parseArgs({
  options: {
    baseline: { type: 'string' },
    case: { type: 'string', multiple: true },
    // Any other command line, measured as a case of its own (repeatable).
    command: { type: 'string', multiple: true },
    'ceiling-mb': { type: 'string', default: '4096' },
    // Internal: run one case in this process and report.
    run: { type: 'string' },
    tool: { type: 'string' },
    worker: { type: 'string' },
    data: { type: 'string' },
  },
});


// ---------------------------------------------------------------------------------------------
// One case, in a process of its own.

async function runOne() {
  const { createBashTool, BashWorkerPool } = await import(pathToFileURL(values.tool).href);
  const testCase = CASES.find((c) => c.id === values.run) ?? { command: values.command[Number(values.run.replace('command-', ''))] };
  const tool = createBashTool(new BashWorkerPool(values.worker));
  const stop = new AbortController();
  const ctx = { cwd: values.data, roots: [values.data], signal: stop.signal };
  // A first command loads the worker, so the figure below is the process at rest.
  await tool.run({ command: 'true' }, ctx);
  if (testCase.stopAfterMs) setTimeout(() => stop.abort(), testCase.stopAfterMs);
  const restingKb = Math.round(process.memoryUsage().rss / 1024);
  const started = performance.now();
  const result = await tool.run({ command: testCase.command, timeout: testCase.timeoutMs ?? CASE_TIMEOUT_MS }, ctx);
  const ms = performance.now() - started;
  process.stdout.write(`${JSON.stringify({ answered: true, output: result.output.slice(0, 300), ms, restingKb })}\n`);
  // Stay a while, so that a program the call left behind is still this process's child when counted.
  await new Promise((resolve) => setTimeout(resolve, 1500));
  process.stdout.write(`${JSON.stringify({ maxRssKb: process.resourceUsage().maxRSS })}\n`);
  process.exit(0);
}

// ---------------------------------------------------------------------------------------------
// The parent: data, bundles, sampling.

async function main() {
  if (process.platform !== 'linux') throw new Error('bench-memory reads /proc: Linux only');
  const ceilingKb = Number(values['ceiling-mb']) * 1024;
  const data = await ensureData();
  const cases = values.case || values.command ? CASES.filter((c) => values.case?.includes(c.id)) : CASES;
  for (const [i, command] of (values.command ?? []).entries()) cases.push({ name: command, id: `command-${i}`, command });
  const checkouts = [];
  if (values.baseline) checkouts.push({ label: values.baseline, root: await exportCheckout(values.baseline) });
  checkouts.push({ label: 'this checkout', root: projectRoot });
  for (const checkout of checkouts) checkout.bundles = await buildBundles(checkout.root);

  const results = [];
  for (const testCase of cases) {
    const row = { name: testCase.name, command: testCase.command, runs: {} };
    for (const checkout of checkouts) {
      row.runs[checkout.label] = await measure(testCase, checkout.bundles, data, ceilingKb);
      console.error(`${testCase.id} ${checkout.label}: ${JSON.stringify(row.runs[checkout.label])}`);
    }
    results.push(row);
  }
  print(results, checkouts, Number(values['ceiling-mb']));
  await mkdir(path.join(projectRoot, 'bench-results'), { recursive: true });
  await writeFile(path.join(projectRoot, 'bench-results', 'memory.json'), `${JSON.stringify({ measuredAt: new Date().toISOString(), node: process.version, results }, null, 2)}\n`);
  console.log('\nwritten to bench-results/memory.json');
}

/** The files of the cases, made once: text a sort has to work on, two files a diff has to align, JSON, and a sparse image. */
async function ensureData() {
  const dir = path.join(os.tmpdir(), `locooperator-bench-memory-v${DATA_VERSION}`);
  const marker = path.join(dir, '.complete');
  if (existsSync(marker)) return realpathSync(dir);
  await mkdir(dir, { recursive: true });
  let state = 42;
  const random = () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state;
  };
  const line = (i) => `${(random() % 1e9).toString(36)} record ${i} ${(random() % 1e6).toString(16)} some words of text\n`;
  await writeText(path.join(dir, 'big31.txt'), 31 * MB, line);
  await writeText(path.join(dir, 'a30.txt'), 30 * MB, (i) => `line ${i} of the first file\n`);
  // Every tenth line differs: a diff with work to do everywhere.
  const changed = (i) => (i % 10 === 0 ? `changed ${i} in the second\n` : `line ${i} of the first file\n`);
  await writeText(path.join(dir, 'b30.txt'), 30 * MB, changed);
  await writeText(path.join(dir, 'a4.txt'), 4 * MB, (i) => `line ${i} of the first file\n`);
  await writeText(path.join(dir, 'b4.txt'), 4 * MB, changed);
  for (let f = 0; f < 20; f++) {
    const items = [];
    let size = 2;
    for (let i = 0; size < 4 * MB; i++) {
      const item = JSON.stringify({ id: i, name: `item ${i}`, tags: ['a', 'b', String(random() % 100)], score: random() % 1000 });
      items.push(item);
      size += item.length + 1;
    }
    await writeFile(path.join(dir, `j${f}.json`), `[${items.join(',')}]\n`);
  }
  execFileSync('truncate', ['-s', '64G', path.join(dir, 'sparse.img')]);
  await writeFile(marker, '');
  return realpathSync(dir);
}

async function writeText(file, bytes, lineAt) {
  const handle = await open(file, 'w');
  let written = 0;
  let chunk = '';
  for (let i = 0; written + chunk.length < bytes; i++) {
    chunk += lineAt(i);
    if (chunk.length > MB) {
      await handle.write(chunk);
      written += chunk.length;
      chunk = '';
    }
  }
  await handle.write(chunk.slice(0, bytes - written));
  await handle.close();
}

/** The project as it is at `ref`, outside the work tree, with this checkout's packages. */
async function exportCheckout(ref) {
  const sha = execFileSync('git', ['rev-parse', '--short', ref], { cwd: projectRoot, encoding: 'utf8' }).trim();
  const dir = path.join(os.tmpdir(), `locooperator-bench-memory-${sha}`);
  if (!existsSync(path.join(dir, 'package.json'))) {
    await mkdir(dir, { recursive: true });
    execFileSync('sh', ['-c', `git archive ${sha} | tar -x -C "${dir}"`], { cwd: projectRoot });
    await symlink(realpathSync(path.join(projectRoot, 'node_modules')), path.join(dir, 'node_modules'));
  }
  return dir;
}

async function buildBundles(root) {
  const dir = path.join(root, '.cache', 'bench-memory');
  const worker = path.join(dir, 'bashWorker.js');
  const tool = path.join(dir, 'bashTool.cjs');
  await esbuild.build({ ...commonJsNodeBundle, entryPoints: [path.join(root, 'src/tools/bash/worker/main.ts')], outfile: worker });
  await esbuild.build({
    ...commonJsNodeBundle,
    stdin: { contents: "export { createBashTool } from './src/tools/bash'; export { BashWorkerPool } from './src/tools/bash/worker/pool';", resolveDir: root, loader: 'ts' },
    outfile: tool,
  });
  return { worker, tool };
}

/** Every process working in `dir` (the programs a case starts run there), with its state and memory. */
function processesIn(dir) {
  const found = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const cwd = readlinkSync(`/proc/${name}/cwd`);
      if (cwd !== dir && !cwd.startsWith(`${dir}/`)) continue;
      found.push({ pid: Number(name), ...statusOf(Number(name)) });
    } catch {
      // Gone, a zombie (no cwd), or not ours to read.
    }
  }
  return found;
}

function statusOf(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (key) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0);
  return { name: /^Name:\s+(\S+)/m.exec(status)?.[1], rssKb: field('VmRSS'), hwmKb: field('VmHWM') };
}

function measure(testCase, bundles, data, ceilingKb) {
  return new Promise((resolve) => {
    const extra = testCase.id.startsWith('command-') ? (values.command ?? []).flatMap((command) => ['--command', command]) : [];
    const runner = spawn(process.execPath, [fileURLToPath(import.meta.url), '--run', testCase.id, '--tool', bundles.tool, '--worker', bundles.worker, '--data', data, ...extra], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const outcome = { toolPeakMb: 0, childPeakMb: 0, answer: '', answeredMs: 0, childrenAfterAnswer: 0, stillRunningAtExit: 0, killedAtCeiling: false };
    const childPeaks = new Map();
    let answeredAt;
    let lastChildSeen = 0;
    let buffer = '';
    runner.stdout.setEncoding('utf8').on('data', (chunk) => {
      buffer += chunk;
      for (let newline; (newline = buffer.indexOf('\n')) !== -1; buffer = buffer.slice(newline + 1)) {
        const message = JSON.parse(buffer.slice(0, newline));
        if (message.answered) {
          answeredAt = performance.now();
          outcome.answer = message.output.split('\n')[0];
          outcome.answeredMs = Math.round(message.ms);
          outcome.restingMb = Math.round(message.restingKb / 1024);
        }
        if (message.maxRssKb) outcome.toolPeakMb = Math.max(outcome.toolPeakMb, Math.round(message.maxRssKb / 1024));
      }
    });
    const sample = () => {
      try {
        outcome.toolPeakMb = Math.max(outcome.toolPeakMb, Math.round(statusOf(runner.pid).hwmKb / 1024));
        if (statusOf(runner.pid).rssKb > ceilingKb) kill('tool');
      } catch {
        // The runner has exited.
      }
      const children = processesIn(data);
      for (const child of children) {
        childPeaks.set(child.pid, Math.max(childPeaks.get(child.pid) ?? 0, child.hwmKb));
        if (child.rssKb > ceilingKb) kill('child');
      }
      if (children.length > 0) lastChildSeen = performance.now();
      if (answeredAt !== undefined && children.length > 0) outcome.childrenAfterAnswer = Math.max(outcome.childrenAfterAnswer, children.length);
    };
    const kill = (who) => {
      outcome.killedAtCeiling = who;
      runner.kill('SIGKILL');
      for (const child of processesIn(data)) process.kill(child.pid, 'SIGKILL');
    };
    const timer = setInterval(sample, 10);
    runner.on('exit', () => {
      clearInterval(timer);
      sample();
      const left = processesIn(data);
      outcome.stillRunningAtExit = left.length;
      // Measured from the answer: how long the call's programs outlived it.
      if (answeredAt !== undefined) outcome.childrenGoneAfterMs = Math.max(0, Math.round(lastChildSeen - answeredAt));
      for (const child of left) process.kill(child.pid, 'SIGKILL');
      outcome.childPeakMb = Math.round(Math.max(0, ...childPeaks.values()) / 1024);
      resolve(outcome);
    });
  });
}

function print(results, checkouts, ceilingMb) {
  console.log(`\nPeak resident memory of the tool process (host + worker) and of the largest program it started, and how long a program outlived the answer; ceiling ${ceilingMb} MB\n`);
  const header = ['case', 'code', 'tool MB', 'child MB', 'left running after the answer', 'answer'];
  const body = results.flatMap((row) =>
    checkouts.map((c) => {
      const run = row.runs[c.label];
      const tool = run.killedAtCeiling === 'tool' ? `> ${ceilingMb}` : String(run.toolPeakMb);
      const child = run.killedAtCeiling === 'child' ? `> ${ceilingMb}` : run.childPeakMb === 0 ? '-' : String(run.childPeakMb);
      const left = run.childrenAfterAnswer === 0 ? 'none' : `${run.childrenAfterAnswer} process(es), for ${run.childrenGoneAfterMs} ms${run.stillRunningAtExit ? ' and past exit' : ''}`;
      const answer = run.killedAtCeiling ? '(killed at the ceiling)' : run.answer.slice(0, 70);
      return [row.name, c.label, tool, child, left, answer];
    }),
  );
  const widths = header.map((cell, i) => Math.max(cell.length, ...body.map((line) => line[i].length)));
  const format = (line) => line.map((cell, i) => cell.padEnd(widths[i])).join('  ');
  console.log(format(header));
  for (const line of body) console.log(format(line));
}

if (values.run) await runOne();
else await main();
