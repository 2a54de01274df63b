// Benchmarks the explorer's file tools on a large generated tree against ripgrep run directly
// with the same flags, both measured in this run on this machine. Prints a table and writes the
// figures to bench-results/tools.json. Sections are plain async functions returning rows, so
// that other measurements can be appended to `sections` below.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { importTypeScript, projectRoot } from './importTypeScript.mjs';

const REPETITIONS = Number(process.env.BENCH_REPETITIONS ?? 11);
/** How long a case is measured at least (both actions together), and the most runs it is given for that. */
const MIN_CASE_MS = Number(process.env.BENCH_MIN_CASE_MS ?? 5000);
const MAX_REPETITIONS = 201;

// ---------------------------------------------------------------------------------------------
// The generated tree: 30 packages × 20 modules × 50 files = 30,000 source files, plus an ignored
// node_modules of 3,000 files, with a fixed seed so that every run searches the same bytes.

const TREE_VERSION = 1;
const TREE = path.join(os.tmpdir(), `locooperator-bench-tree-v${TREE_VERSION}`);
const SHAPE = { packages: 30, modules: 20, files: 50, ignoredFiles: 3000 };

function seededRandom(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = ['user', 'order', 'cache', 'token', 'session', 'config', 'report', 'invoice', 'queue', 'stream', 'parser', 'index'];

function sourceFile(random, fileIndex) {
  const pick = () => WORDS[Math.floor(random() * WORDS.length)];
  const lines = ['import logging', 'from dataclasses import dataclass', '', 'log = logging.getLogger(__name__)', ''];
  const functions = 2 + Math.floor(random() * 4);
  for (let f = 0; f < functions; f++) {
    // About one file in a hundred defines the function the benchmark searches for.
    const name = random() < 0.01 ? 'handle_request' : `${pick()}_${pick()}_${fileIndex}_${f}`;
    lines.push(`def ${name}(${pick()}, ${pick()}=None):`);
    lines.push(`    """Return the ${pick()} for a ${pick()}."""`);
    lines.push(`    if ${pick()} is None:`);
    lines.push(`        log.warning("missing ${pick()} in %s", ${pick()})`);
    lines.push(`    return {"${pick()}": ${pick()}, "count": ${Math.floor(random() * 1000)}}`);
    lines.push('');
  }
  return `${lines.join('\n')}\n`;
}

async function ensureTree() {
  const marker = path.join(TREE, '.complete');
  if (existsSync(marker)) return JSON.parse(await readFile(marker, 'utf8'));
  const started = performance.now();
  const random = seededRandom(42);
  let files = 0;
  let bytes = 0;
  const base = Date.UTC(2024, 0, 1) / 1000;
  for (let p = 0; p < SHAPE.packages; p++) {
    for (let m = 0; m < SHAPE.modules; m++) {
      const dir = path.join(TREE, `pkg${p}`, `mod${m}`);
      await mkdir(dir, { recursive: true });
      for (let f = 0; f < SHAPE.files; f++) {
        const file = path.join(dir, `file${f}.py`);
        const text = sourceFile(random, files);
        await writeFile(file, text);
        const seconds = base + Math.floor(random() * 365 * 86400);
        await utimes(file, seconds, seconds);
        files++;
        bytes += text.length;
      }
    }
  }
  const ignored = path.join(TREE, 'node_modules', 'vendored');
  await mkdir(ignored, { recursive: true });
  for (let i = 0; i < SHAPE.ignoredFiles; i++) await writeFile(path.join(ignored, `dep${i}.py`), sourceFile(random, i));
  await writeFile(path.join(TREE, '.gitignore'), 'node_modules/\n');
  const summary = { files, bytes, ignoredFiles: SHAPE.ignoredFiles, generatedInMs: Math.round(performance.now() - started) };
  await writeFile(marker, JSON.stringify(summary));
  return summary;
}

// ---------------------------------------------------------------------------------------------
// Measuring.

function ripgrepPath() {
  return import('@vscode/ripgrep').then((module) => module.rgPath);
}

/**
 * ripgrep run directly, its output read as a caller with no tool around it would; with maxLines
 * it is killed after that many lines (as `| head -n` would), like the tools' paged modes.
 */
function runRipgrepDirect(rg, args, cwd, maxLines = Infinity) {
  return new Promise((resolve, reject) => {
    const child = spawn(rg, args, { cwd, stdio: ['ignore', 'pipe', 'ignore'] });
    let lines = 0;
    let stopped = false;
    child.stdout.on('data', (chunk) => {
      for (const byte of chunk) if (byte === 10) lines++;
      if (lines >= maxLines && !stopped) {
        stopped = true;
        child.kill();
      }
    });
    child.on('error', reject);
    child.on('close', (code) => (stopped || code === 0 || code === 1 ? resolve(lines) : reject(new Error(`rg exited ${code}`))));
  });
}

/**
 * Median times of two actions, measured alternately so that a change in the machine's load
 * (it is shared) weighs on both alike; one warm-up each fills the page cache and the code paths.
 * A fast case is repeated past REPETITIONS until MIN_CASE_MS have gone by: on this shared machine
 * the ratio for Glob's 30 ms listings, from medians of eleven runs, read 0.95×, 1.03× and 1.15×
 * in three runs of the bench in a row.
 */
async function pairedMedians(ours, baseline) {
  await ours();
  await baseline();
  const times = { ours: [], baseline: [] };
  const started = performance.now();
  for (let i = 0; i < REPETITIONS || (performance.now() - started < MIN_CASE_MS && i < MAX_REPETITIONS); i++) {
    for (const [key, action] of i % 2 === 0 ? [['ours', ours], ['baseline', baseline]] : [['baseline', baseline], ['ours', ours]]) {
      const runStarted = performance.now();
      await action();
      times[key].push(performance.now() - runStarted);
    }
  }
  const median = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];
  return { oursMs: median(times.ours), baselineMs: median(times.baseline), runs: times.ours.length };
}

// ---------------------------------------------------------------------------------------------
// Sections.

async function toolsSection() {
  const tree = await ensureTree();
  const tools = await importTypeScript('tools', [
    "export { grepTool } from './src/tools/grep';",
    "export { globTool } from './src/tools/glob';",
  ]);
  const rg = await ripgrepPath();
  const ctx = { cwd: TREE, roots: [TREE], signal: new AbortController().signal };
  const common = ['--no-config', '--hidden', '--no-require-git'];
  const grepFlags = (flags, pattern) => [...common, '--max-columns', '500', ...flags, '--glob', '!.git', '--', pattern];

  const cases = [
    {
      name: 'Grep files_with_matches',
      tool: tools.grepTool,
      args: { pattern: 'def handle_request' },
      direct: [grepFlags(['-l'], 'def handle_request')],
    },
    {
      name: 'Grep content (first page)',
      tool: tools.grepTool,
      args: { pattern: 'def handle_request', output_mode: 'content', '-C': 2 },
      direct: [grepFlags(['--sort', 'path', '-n', '-C', '2'], 'def handle_request')],
      // The tool stops after one page (100 lines + 1 to know there is more); so does ripgrep here.
      directMaxLines: 101,
    },
    {
      name: 'Grep content (every match)',
      tool: tools.grepTool,
      args: { pattern: 'def handle_request', output_mode: 'content', head_limit: 2000 },
      direct: [grepFlags(['--sort', 'path', '-n'], 'def handle_request')],
    },
    {
      name: 'Grep count',
      tool: tools.grepTool,
      args: { pattern: 'log\\.warning', output_mode: 'count' },
      direct: [grepFlags(['-c'], 'log\\.warning')],
    },
    {
      name: 'Grep files, -i, glob',
      tool: tools.grepTool,
      args: { pattern: 'HANDLE_REQUEST', '-i': true, glob: 'pkg1*/**/*.py' },
      direct: [grepFlags(['-i', '-l', '--glob', 'pkg1*/**/*.py'], 'HANDLE_REQUEST')],
    },
    // Glob lists the oldest files first, so ripgrep's baseline sorts by modification time too.
    {
      name: 'Glob **/file7.py',
      tool: tools.globTool,
      args: { pattern: '**/file7.py' },
      direct: [[...common, '--files', '--glob', '**/file7.py', '--glob', '!.git', '--sort', 'modified']],
    },
    // A pattern with folders: ripgrep's --glob overrides .gitignore, so Glob also lists the
    // files of that name without it; ripgrep alone with the glob is the baseline.
    {
      name: 'Glob pkg1*/**/file7.py',
      tool: tools.globTool,
      args: { pattern: 'pkg1*/**/file7.py' },
      direct: [[...common, '--files', '--glob', 'pkg1*/**/file7.py', '--glob', '!.git', '--sort', 'modified']],
    },
    {
      name: 'Glob **/* (every file)',
      tool: tools.globTool,
      args: { pattern: '**/*' },
      direct: [[...common, '--files', '--glob', '**/*', '--glob', '!.git', '--sort', 'modified']],
    },
  ];

  const rows = [];
  for (const testCase of cases) {
    const probe = await testCase.tool.run(testCase.args, ctx);
    if (probe.status !== 'done') throw new Error(`${testCase.name}: ${probe.output}`);
    const { oursMs, baselineMs, runs } = await pairedMedians(
      () => testCase.tool.run(testCase.args, ctx),
      async () => {
        for (const args of testCase.direct) await runRipgrepDirect(rg, args, TREE, testCase.directMaxLines);
      },
    );
    rows.push({ name: testCase.name, oursMs, baselineMs, ratio: oursMs / baselineMs, runs, metadata: probe.metadata });
  }
  return { title: `File tools vs ripgrep run directly (${tree.files} files, ${(tree.bytes / 1e6).toFixed(1)} MB, +${tree.ignoredFiles} ignored)`, baseline: 'rg', rows, tree };
}

/**
 * The agent loop's own cost per turn: a scripted 10-turn exploration (3 parallel calls a turn,
 * 2 KB outputs) through runAgent, against the same model turns and tool calls made directly
 * in sequence with no loop around them.
 */
async function loopSection() {
  const { runAgent, createEventSink, ScriptedModel, defineTool, z } = await importTypeScript('loop', [
    "export { runAgent } from './src/agent/loop';",
    "export { createEventSink } from './src/agent/events';",
    "export { ScriptedModel } from './src/model/scriptedModel';",
    "export { defineTool } from './src/tools/defineTool';",
    "export { z } from 'zod';",
  ]);
  const TURNS = 10;
  const CALLS_PER_TURN = 3;
  const output = 'x'.repeat(2_000);
  const probe = defineTool({
    name: 'Read',
    description: 'Returns a fixed text.',
    parameters: z.object({ file_path: z.string(), offset: z.number().optional() }),
    title: (input) => `Read ${input.file_path}`,
    execute: async () => ({ output, title: 'Read', metadata: {} }),
  });
  const turns = Array.from({ length: TURNS - 1 }, (_, turn) =>
    Array.from({ length: CALLS_PER_TURN }, (_, call) =>
      `<tool_call>\n${JSON.stringify({ name: 'Read', arguments: { file_path: `/repo/f${turn}_${call}.py`, offset: '1' } })}\n</tool_call>`,
    ).join('\n'),
  ).concat('The report.');
  const tools = new Map([['Read', probe]]);
  const signal = new AbortController().signal;
  const chunkSize = 8;

  const throughLoop = async () => {
    let events = 0;
    await runAgent({
      model: new ScriptedModel(turns, { chunkSize }),
      tools,
      task: 'Explore.',
      cwd: '/repo',
      roots: ['/repo'],
      signal,
      emit: createEventSink(() => events++),
    });
  };
  const direct = async () => {
    const model = new ScriptedModel(turns, { chunkSize });
    for (let turn = 0; turn < TURNS; turn++) {
      await model.complete({ prompt: [{ text: 'p', special: false }], sampling: {} }, { signal, onText: () => {} });
      if (turn < TURNS - 1) for (let call = 0; call < CALLS_PER_TURN; call++) await probe.run({ file_path: `/repo/f${turn}_${call}.py`, offset: 1 }, { cwd: '/repo', roots: ['/repo'], signal });
    }
  };
  const { oursMs, baselineMs, runs } = await pairedMedians(throughLoop, direct);
  return {
    title: `Agent loop overhead: ${TURNS} turns × ${CALLS_PER_TURN} calls with ScriptedModel (baseline: the same completions and tool runs without the loop)`,
    baseline: 'direct',
    rows: [
      { name: 'whole run', oursMs, baselineMs, ratio: oursMs / baselineMs, runs },
      { name: 'per turn', oursMs: oursMs / TURNS, baselineMs: baselineMs / TURNS, ratio: oursMs / baselineMs, runs },
    ],
    overheadPerTurnMs: (oursMs - baselineMs) / TURNS,
  };
}

/**
 * Read-only git through the Bash tool's git command (which builds a private git directory from
 * checked data on every call, and lists the index before a work-tree grep) against the same git
 * run directly in the repository, on a commit of the generated tree with ten files changed.
 */
async function gitSection() {
  const tree = await ensureTree();
  const repo = path.join(os.tmpdir(), `locooperator-bench-git-v${TREE_VERSION}`);
  const git = (args, cwd = repo) =>
    new Promise((resolve, reject) => {
      const child = spawn('git', args, { cwd, stdio: ['ignore', 'ignore', 'ignore'], env: { PATH: process.env.PATH, HOME: repo, GIT_CONFIG_NOSYSTEM: '1', GIT_OPTIONAL_LOCKS: '0' } });
      child.on('error', reject);
      child.on('close', (code) => (code === 0 || code === 1 ? resolve() : reject(new Error(`git ${args[0]} exited ${code}`))));
    });
  if (!existsSync(path.join(repo, '.complete'))) {
    await mkdir(repo, { recursive: true });
    await new Promise((resolve, reject) => spawn('cp', ['-r', `${TREE}/.`, repo]).on('close', (code) => (code === 0 ? resolve() : reject(new Error('cp failed')))));
    await git(['init', '-q']);
    await git(['add', '.']);
    await git(['-c', 'user.name=Bench', '-c', 'user.email=bench@example.com', 'commit', '-q', '-m', 'Generated tree']);
    for (let f = 0; f < 10; f++) await writeFile(path.join(repo, 'pkg0', 'mod0', `file${f}.py`), `# changed ${f}\n`);
    await writeFile(path.join(repo, '.complete'), '');
  }
  const { gitCommand } = await importTypeScript('git', ["export { gitCommand } from './src/tools/bash/git/gitCommand';"]);
  const command = gitCommand([repo]);
  const ctx = { cwd: repo, signal: new AbortController().signal };
  const cases = [['status', '--short'], ['log', '--oneline', '-20'], ['show', '--stat', 'HEAD'], ['grep', '-n', 'def handle_request'], ['rev-parse', '--show-toplevel']];
  const rows = [];
  for (const args of cases) {
    const probe = await command.execute(args, ctx);
    if (probe.exitCode !== 0) throw new Error(`git ${args.join(' ')}: ${probe.stderr}`);
    const { oursMs, baselineMs, runs } = await pairedMedians(() => command.execute(args, ctx), () => git(args));
    rows.push({ name: `git ${args.join(' ')}`, oursMs, baselineMs, ratio: oursMs / baselineMs, runs });
  }
  return { title: `git through the Bash tool vs git run directly (${tree.files} tracked files, 10 changed)`, baseline: 'git', rows };
}


// ---------------------------------------------------------------------------------------------
// The Bash tool's tree walks (find, ls -R, tree, du) on a tree of 100,000 small files, against
// the same command lines run by real bash with GNU tools in the same folder.

const LISTING_TREE = path.join(os.tmpdir(), 'locooperator-bench-listing-v1');
const LISTING_SHAPE = { packages: 40, modules: 25, files: 100 };

async function ensureListingTree() {
  const marker = path.join(LISTING_TREE, '.complete');
  if (existsSync(marker)) return JSON.parse(await readFile(marker, 'utf8'));
  let files = 0;
  for (let p = 0; p < LISTING_SHAPE.packages; p++) {
    for (let m = 0; m < LISTING_SHAPE.modules; m++) {
      const dir = path.join(LISTING_TREE, `pkg${p}`, `mod${m}`);
      await mkdir(dir, { recursive: true });
      for (let f = 0; f < LISTING_SHAPE.files; f++) {
        await writeFile(path.join(dir, `file${f}.py`), `VALUE = ${files}\n`);
        files++;
      }
    }
  }
  const summary = { files };
  await writeFile(marker, JSON.stringify(summary));
  return summary;
}

/** The Bash tool as the product runs it: its worker thread started from a bundle of the worker entry. */
async function loadBashTool() {
  const esbuild = await import('esbuild');
  const { commonJsNodeBundle } = await import('./nodeBundle.mjs');
  const worker = path.join(projectRoot, '.cache', 'bench', 'bashWorker.js');
  await esbuild.build({ ...commonJsNodeBundle, entryPoints: [path.join(projectRoot, 'src/tools/bash/worker/main.ts')], outfile: worker });
  // The tool finds its worker beside its own bundle, or where this variable says (as in the tests).
  process.env.LOCOOPERATOR_BASH_WORKER = worker;
  const { bashTool } = await importTypeScript('bash', ["export { bashTool } from './src/tools/bash';"]);
  return bashTool;
}

function runGnu(command, cwd) {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', command], { cwd, stdio: ['ignore', 'pipe', 'ignore'], env: { PATH: process.env.PATH, LC_ALL: 'C.UTF-8' } });
    let stdout = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(stdout) : reject(new Error(`${command}: exit ${code}`))));
  });
}

async function listingSection() {
  const tree = await ensureListingTree();
  const bash = await loadBashTool();
  const ctx = { cwd: LISTING_TREE, roots: [LISTING_TREE], signal: new AbortController().signal };
  const gnuTree = await runGnu('command -v tree', LISTING_TREE).then(() => true, () => false);
  // Whole listings counted in the shell, so that each side prints one line and the rows time the walk.
  const commands = [
    'find . | wc -l',
    "find . -name 'file7.py' | wc -l",
    'find . -type d | wc -l',
    'ls -R | wc -l',
    ...(gnuTree ? ['tree | tail -1'] : []),
    'du -sh',
    'du -h --max-depth=1 | wc -l',
  ];
  const rows = [];
  for (const command of commands) {
    const probe = await bash.run({ command }, ctx);
    const gnu = (await runGnu(command, LISTING_TREE)).trimEnd();
    if (probe.status !== 'done' || probe.output !== gnu) throw new Error(`${command}: the tool said ${JSON.stringify(probe.output)}, GNU ${JSON.stringify(gnu)}`);
    const { oursMs, baselineMs, runs } = await pairedMedians(() => bash.run({ command }, ctx), () => runGnu(command, LISTING_TREE));
    rows.push({ name: command, oursMs, baselineMs, ratio: oursMs / baselineMs, runs });
  }
  return {
    title: `Bash tree walks vs GNU tools run by real bash (${tree.files} files${gnuTree ? '' : '; GNU tree not installed, no tree row'})`,
    baseline: 'GNU',
    rows,
  };
}

const sections = [toolsSection, listingSection, loopSection, gitSection];

// ---------------------------------------------------------------------------------------------

function printSection(section) {
  console.log(`\n${section.title}; medians of ${REPETITIONS} runs or more (a case runs for ${MIN_CASE_MS / 1000} s at least), measured alternately, after one warm-up\n`);
  const header = ['case', 'ours ms', `${section.baseline} ms`, 'ratio', 'runs'];
  const body = section.rows.map((row) => [row.name, row.oursMs.toFixed(2), row.baselineMs.toFixed(2), `${row.ratio.toFixed(2)}×`, String(row.runs)]);
  const widths = header.map((cell, i) => Math.max(cell.length, ...body.map((line) => line[i].length)));
  const format = (line) => line.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ');
  console.log(format(header));
  for (const line of body) console.log(format(line));
  if (section.overheadPerTurnMs !== undefined) console.log(`\nloop overhead per turn: ${(section.overheadPerTurnMs * 1000).toFixed(0)} µs`);
}

const results = { measuredAt: new Date().toISOString(), machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version }, sections: {} };
// BENCH_SECTIONS=listing,loop runs only those sections (named as in tools.json).
const only = process.env.BENCH_SECTIONS?.split(',');
for (const section of sections.filter((candidate) => !only || only.includes(candidate.name.replace(/Section$/, '')))) {
  const outcome = await section();
  printSection(outcome);
  results.sections[section.name.replace(/Section$/, '')] = outcome;
}
await mkdir(path.join(projectRoot, 'bench-results'), { recursive: true });
await writeFile(path.join(projectRoot, 'bench-results', 'tools.json'), `${JSON.stringify(results, null, 2)}\n`);
console.log('\nwritten to bench-results/tools.json');
