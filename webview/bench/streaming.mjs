// Measures how the built webview (dist/webview.js) keeps up with a streaming run in Chromium:
// the time to apply a batch of text deltas and to add one tool card, with 300 cards on screen
// against a baseline of none, measured in the same run. Prints figures; asserts nothing.
//
//   npm run bench:webview
//
// Needs Chromium (CHROMIUM_PATH, default /usr/bin/chromium) and playwright-core.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const dist = resolve(import.meta.dirname, '../../dist');
const page = join(mkdtempSync(join(tmpdir(), 'locooperator-bench-')), 'view.html');
writeFileSync(
  page,
  `<!DOCTYPE html><html><head><link rel="stylesheet" href="${pathToFileURL(join(dist, 'webview.css'))}"></head>
<body><div id="root"></div>
<script>window.acquireVsCodeApi = () => ({ postMessage() {}, getState() {}, setState() {} });</script>
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

async function measure(browser, cards) {
  seq = 0;
  const tab = await browser.newPage({ viewport: { width: 400, height: 900 } });
  await tab.goto(pathToFileURL(page).href);
  const setup = [
    { type: 'state/snapshot', state: { sessionId, runs: [], history: [], model: { state: 'ready', modelName: 'LocoOperator-4B', backend: 'CPU' }, scope: { kind: 'workspace' }, thoroughness: 'medium', links: {} } },
    { type: 'run/created', run: { runId, sessionId, question: 'How is it built?', scope: { kind: 'workspace' }, thoroughness: 'medium', createdAt: Date.now() } },
    event({ type: 'run/started', task: 'How is it built?', cwd: '/repo', maxTurns: 10, startedAt: Date.now() }),
    event({ type: 'turn/started', turn: 1 }),
  ];
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

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'],
});
const baseline = await measure(browser, 0);
const loaded = await measure(browser, 300);
await browser.close();

const row = (label, figures) =>
  `${label.padEnd(10)} mount ${String(figures.mountMs).padStart(5)} ms | 20 deltas: median ${figures.deltaMedian.toFixed(1)} ms, p95 ${figures.deltaP95.toFixed(1)} ms | one card: median ${figures.cardMedian.toFixed(1)} ms, p95 ${figures.cardP95.toFixed(1)} ms`;
console.log('Time from postMessage to the second frame after it (two frames at 60 Hz ≈ 33 ms):');
console.log(row('0 cards', baseline));
console.log(row('300 cards', loaded));
console.log(`ratio 300/0: deltas ${(loaded.deltaMedian / baseline.deltaMedian).toFixed(2)}×, one card ${(loaded.cardMedian / baseline.cardMedian).toFixed(2)}×`);
