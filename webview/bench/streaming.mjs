// Measures how the built webview (dist/webview.js) keeps up with a streaming run in Chromium,
// against a baseline measured in the same run. Prints figures; asserts nothing.
// - Cards: the time to apply a batch of text deltas and to add one tool card, with 300 cards on
//   screen against none.
// - Report: a 200 kB report streamed in model-sized deltas against a 4 kB one: the time to apply
//   a batch of deltas near the end of the report, the time to show the finished report, and the
//   long tasks (> 50 ms) on the main thread meanwhile. Rendering cost must not grow with the
//   text already shown.
//
//   npm run bench:webview
//
// Needs Chromium (CHROMIUM_PATH, default /usr/bin/chromium) and playwright-core.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { longReport } from './longReport.mjs';

// LOCOOPERATOR_BENCH_DIST: another build to measure, e.g. a copy of main's, for a comparison.
const dist = process.env.LOCOOPERATOR_BENCH_DIST ?? resolve(import.meta.dirname, '../../dist');
const page = join(mkdtempSync(join(tmpdir(), 'locooperator-bench-')), 'view.html');
writeFileSync(
  page,
  `<!DOCTYPE html><html><head><link rel="stylesheet" href="${pathToFileURL(join(dist, 'webview.css'))}"></head>
<body><div id="root"></div>
<script>
// The host's side of link verification: every reference exists, answered a moment later.
window.acquireVsCodeApi = () => ({
  postMessage(message) {
    if (message.type !== 'links/verify') return;
    // Keyed as the view keys them (referenceKey): by the run's folder and the text.
    const links = Object.fromEntries(message.refs.map((ref) => [ref.base === undefined ? ref.text : ref.base + '\\0' + ref.text, { exists: true, path: '/repo/' + ref.path, line: ref.line }]));
    setTimeout(() => window.postMessage({ type: 'links/resolved', links }, '*'), 5);
  },
  getState() {},
  setState() {},
});
</script>
<script src="${pathToFileURL(join(dist, 'webview.js'))}"></script></body></html>`,
);

const sessionId = 'session-1';
const runId = 'run-1';
let seq = 0;
const event = (body) => ({ type: 'run/event', runId, sessionId, event: { runId, seq: seq++, ...body } });
const card = (callId, turn) => [
  event({ type: 'tool/call', turn, callId, name: 'Read', args: { file_path: `/repo/src/${callId}.py` }, title: `Read src/${callId}.py:1-80` }),
  event({ type: 'tool/result', callId, status: 'done', title: `Read src/${callId}.py:1-80`, durationMs: 3, output: '     1\tx = 1\n'.repeat(80), outputChars: 640, truncated: false, metadata: {} }),
];

const runSetup = () => [
  { type: 'state/snapshot', state: { sessionId, roots: [{ path: '/repo', label: 'repo' }], runs: [], history: [], model: { state: 'ready', modelName: 'LocoOperator-4B', backend: 'CPU' }, scope: { kind: 'workspace' }, thoroughness: 'medium', links: {} } },
  { type: 'run/created', run: { runId, sessionId, question: 'How is it built?', scope: { kind: 'workspace' }, thoroughness: 'medium', createdAt: Date.now() } },
  event({ type: 'run/started', task: 'How is it built?', cwd: '/repo', maxTurns: 10, startedAt: Date.now() }),
  event({ type: 'turn/started', turn: 1 }),
];

async function openView(browser) {
  const tab = await browser.newPage({ viewport: { width: 400, height: 900 } });
  await tab.goto(pathToFileURL(page).href);
  return tab;
}

async function measureCards(browser, cards) {
  seq = 0;
  const tab = await openView(browser);
  const setup = runSetup();
  for (let index = 0; index < cards; index += 1) setup.push(...card(`c${index}`, 1));
  const mountStart = Date.now();
  await tab.evaluate((messages) => messages.forEach((message) => window.postMessage(message, '*')), setup);
  await tab.waitForFunction((count) => document.querySelectorAll('.tool-card').length === count, cards);
  const mountMs = Date.now() - mountStart;

  const deltas = [];
  // Report-like text: a paragraph break every 50 tokens, so finished blocks render as markdown.
  const token = (index) => (index % 50 === 49 ? 'end `src/app.py:3`.\n\n' : 'token ');
  for (let batch = 0; batch < 60; batch += 1) deltas.push(Array.from({ length: 20 }, (_, index) => event({ type: 'text/delta', turn: 2, text: token(batch * 20 + index) })));
  const newCards = Array.from({ length: 20 }, (_, index) => card(`n${index}`, 3));
  const timings = await tab.evaluate(async ({ deltas, newCards }) => {
    // Two frames: the view applies messages on the next animation frame, then paints.
    const settle = () => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(done, 0))));
    const time = async (batches) => {
      const samples = [];
      for (const batch of batches) {
        const start = performance.now();
        for (const message of batch) window.postMessage(message, '*');
        await settle();
        samples.push(performance.now() - start);
      }
      return samples.sort((a, b) => a - b);
    };
    return { deltas: await time(deltas), card: await time(newCards) };
  }, { deltas, newCards });
  await tab.close();
  const median = (samples) => samples[Math.floor(samples.length / 2)];
  const p95 = (samples) => samples[Math.floor(samples.length * 0.95)];
  return { mountMs, deltaMedian: median(timings.deltas), deltaP95: p95(timings.deltas), cardMedian: median(timings.card), cardP95: p95(timings.card) };
}

/** The model's chunks: about three tokens each. */
const deltaChars = 12;
/** Deltas per batch: about what a frame collects from a fast model. */
const deltasPerBatch = 50;

async function measureReport(browser, chars) {
  seq = 0;
  const tab = await openView(browser);
  const report = longReport(chars);
  const deltas = [];
  for (let at = 0; at < report.length; at += deltaChars) deltas.push(event({ type: 'text/delta', turn: 2, text: report.slice(at, at + deltaChars) }));
  const batches = [];
  for (let at = 0; at < deltas.length; at += deltasPerBatch) batches.push(deltas.slice(at, at + deltasPerBatch));
  const finish = [
    event({ type: 'run/finished', reason: 'done', turns: 2, toolCalls: 0, durationMs: 1000, report }),
  ];
  const figures = await tab.evaluate(
    async ({ setup, batches, finish }) => {
      const settle = () => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(done, 0))));
      for (const message of setup) window.postMessage(message, '*');
      await settle();
      const longTasks = [];
      new PerformanceObserver((list) => longTasks.push(...list.getEntries().map((entry) => entry.duration))).observe({ type: 'longtask' });
      const samples = [];
      for (const batch of batches) {
        const start = performance.now();
        for (const message of batch) window.postMessage(message, '*');
        await settle();
        samples.push(performance.now() - start);
      }
      const finishStart = performance.now();
      for (const message of finish) window.postMessage(message, '*');
      await settle();
      const finishMs = performance.now() - finishStart;
      // Let link answers land and render.
      await new Promise((done) => setTimeout(done, 300));
      await settle();
      return { samples, finishMs, longTasks, links: document.querySelectorAll('.report .file-link').length };
    },
    { setup: runSetup(), batches, finish },
  );
  await tab.close();
  const tenth = Math.max(1, Math.floor(figures.samples.length / 10));
  const median = (samples) => [...samples].sort((a, b) => a - b)[Math.floor(samples.length / 2)];
  return {
    chars: report.length,
    batches: figures.samples.length,
    firstMedian: median(figures.samples.slice(0, tenth)),
    lastMedian: median(figures.samples.slice(-tenth)),
    worst: Math.max(...figures.samples),
    finishMs: figures.finishMs,
    longTasks: figures.longTasks.length,
    longTaskMs: figures.longTasks.reduce((sum, duration) => sum + duration, 0),
    links: figures.links,
  };
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'],
});
const baseline = await measureCards(browser, 0);
const loaded = await measureCards(browser, 300);
const smallReport = await measureReport(browser, 4_000);
const hugeReport = await measureReport(browser, 200_000);
await browser.close();

const row = (label, figures) =>
  `${label.padEnd(10)} mount ${String(figures.mountMs).padStart(5)} ms | 20 deltas: median ${figures.deltaMedian.toFixed(1)} ms, p95 ${figures.deltaP95.toFixed(1)} ms | one card: median ${figures.cardMedian.toFixed(1)} ms, p95 ${figures.cardP95.toFixed(1)} ms`;
console.log('Time from postMessage to the second frame after it (two frames at 60 Hz ≈ 33 ms):');
console.log(row('0 cards', baseline));
console.log(row('300 cards', loaded));
console.log(`ratio 300/0: deltas ${(loaded.deltaMedian / baseline.deltaMedian).toFixed(2)}×, one card ${(loaded.cardMedian / baseline.cardMedian).toFixed(2)}×`);

const reportRow = (figures) =>
  `${`${Math.round(figures.chars / 1000)} kB`.padEnd(7)} ${deltasPerBatch} deltas: first 10% median ${figures.firstMedian.toFixed(1)} ms, last 10% median ${figures.lastMedian.toFixed(1)} ms, worst ${figures.worst.toFixed(1)} ms | finished report ${figures.finishMs.toFixed(0)} ms | long tasks ${figures.longTasks} (${figures.longTaskMs.toFixed(0)} ms) | links ${figures.links}`;
console.log(`A report streamed in ${deltaChars}-character deltas, ${deltasPerBatch} per batch (time from postMessage to the second frame after it):`);
console.log(reportRow(smallReport));
console.log(reportRow(hugeReport));
console.log(`ratio 200/4 kB, last 10% of the stream: ${(hugeReport.lastMedian / smallReport.lastMedian).toFixed(2)}×`);
