import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'mocha';
import type { FrameLocator } from 'playwright-core';
import { repoRoot } from '../../scripts/test-host/hostPaths.mjs';
import { ask, openLocoOperatorView, openWorkbench, screenshot, type Workbench } from './support/workbench';

/**
 * A question's life in the Ask view when things go wrong: it is a run at once, waiting for a
 * model; a server that refuses ends it with one message and Retry; a window reload in the middle
 * of it leaves it marked interrupted.
 */

/** A loopback port nothing listens on (taken, then given back). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  const { port } = server.address() as { port: number };
  await new Promise((closed) => server.close(closed));
  return port;
}

/**
 * The window's machine settings: `locooperator.backend` and `server.url` are machine-scoped, which
 * a remote window such as code-server reads from here, not from the user's settings. Written
 * whole (a file renamed into place), so the window never reads half of it.
 */
function writeMachineSettings(workbench: Workbench, settings: Record<string, unknown>): void {
  const file = path.join(path.dirname(path.dirname(workbench.server.settingsFile)), 'Machine', 'settings.json');
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(`${file}.tmp`, JSON.stringify(settings, null, 2));
  renameSync(`${file}.tmp`, file);
}

describe('A question without a model, then with a server that refuses', () => {
  let workbench: Workbench;
  let view: FrameLocator;

  before(async () => {
    // No scripted model: the window is a first run.
    workbench = await openWorkbench({ theme: 'dark', name: 'run-lifecycle-server' });
    view = await openLocoOperatorView(workbench.page);
  });

  after(async () => {
    await workbench?.close();
  });

  it('shows the question as a run waiting for a model, then ends it with the one message and Retry when the server refuses', async () => {
    const { page } = workbench;
    await ask(view, 'What does this project do?');
    const run = view.locator('.run', { hasText: 'What does this project do?' });
    await run.locator('.run-wait', { hasText: 'Waiting for a model' }).waitFor({ timeout: 30_000 });
    assert.equal(await view.getByRole('textbox', { name: 'Question about this workspace' }).inputValue(), '');
    // Stop is in the composer, not only in the title bar.
    await view.locator('.composer').getByRole('button', { name: /^Stop \(Escape/ }).waitFor();
    await screenshot(page, 'run-waiting-for-model-dark');

    // The settings name a server now: the waiting question runs, and the server refuses it.
    const url = `http://127.0.0.1:${await closedPort()}`;
    writeMachineSettings(workbench, { 'locooperator.backend': 'llama-server', 'locooperator.server.url': url });
    const failure = run.locator('.outcome-error');
    await failure.waitFor({ timeout: 60_000 });
    await screenshot(page, 'run-server-refused-dark');
    const message = `Cannot reach the llama-server at ${url}: connection refused.`;
    assert.match(await failure.innerText(), new RegExp(`The run failed: ${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    // Shown once: in the run, not again in the model panel or a notice.
    assert.equal(await view.locator('.conversation').getByText('connection refused', { exact: false }).count(), 1);
    assert.equal(await view.locator('.panel').count(), 0);
    assert.equal(await view.locator('.notice').count(), 0);
    assert.deepEqual(await failure.getByRole('button').allInnerTexts(), ['Retry', 'Configure Model…', 'Open Settings', 'Show Log']);

    // Retry asks the same question again, as a new run, which meets the same refusal.
    await failure.getByRole('button', { name: 'Retry' }).click();
    await view.locator('.run').nth(1).locator('.outcome-error').waitFor({ timeout: 60_000 });
    assert.deepEqual(await view.locator('.run .question-text').allInnerTexts(), ['What does this project do?', 'What does this project do?']);
    assert.equal(await view.locator('.conversation').getByText('connection refused', { exact: false }).count(), 2);
    assert.equal(await view.locator('.panel').count(), 0);
  });
});

describe('A run cut off by a window reload', () => {
  let workbench: Workbench;
  let view: FrameLocator;

  before(async () => {
    // One quick turn that lists the project, then a report that streams a chunk every 4 s.
    const transcript = path.join(mkdtempSync(path.join(tmpdir(), 'loco-e2e-')), 'transcript.json');
    writeFileSync(transcript, readFileSync(path.join(repoRoot, 'test', 'e2e', 'transcripts', 'stall.json')));
    workbench = await openWorkbench({ theme: 'dark', name: 'run-lifecycle-reload', scriptedModel: transcript });
    view = await openLocoOperatorView(workbench.page);
  });

  after(async () => {
    await workbench?.close();
  });

  it('is shown after the reload as the session, marked interrupted, with the time it ran before the reload', async () => {
    const { page } = workbench;
    const asked = Date.now();
    await ask(view, 'Give me a tour of the project');
    // The first turn is over (its card is done) and the second one writes.
    await view.locator('.tool-card.status-done').waitFor({ timeout: 60_000 });
    await view.locator('.run-text', { hasText: 'The project has a server package' }).waitFor({ timeout: 60_000 });
    await workbench.reload();
    const reloaded = await openLocoOperatorView(page);
    const run = reloaded.locator('.run', { hasText: 'Give me a tour of the project' });
    await run.locator('.outcome', { hasText: 'Interrupted' }).waitFor({ timeout: 60_000 });
    const shownAfter = (Date.now() - asked) / 1000;
    // The session is shown, not the welcome screen with the run only in the history.
    assert.equal(await reloaded.locator('.welcome').count(), 0);
    assert.equal(await reloaded.locator('.working').count(), 0);
    assert.equal(await run.locator('.tool-card.status-done').count(), 1);
    await run.getByRole('button', { name: 'Retry' }).waitFor();
    // It ran until its last recorded event, before the reload: not until it was shown again.
    const footer = await run.getByRole('group', { name: 'Run statistics' }).innerText();
    const seconds = /(\d+(?:\.\d+)?) s\b/.exec(footer);
    assert.ok(seconds, `the footer says how long it ran: ${footer}`);
    assert.ok(Number(seconds[1]) < shownAfter, `it ran ${seconds[1]} s, less than the ${shownAfter.toFixed(1)} s until it was shown again`);
    await screenshot(page, 'run-interrupted-dark');
    assert.equal(await reloaded.getByRole('textbox', { name: 'Question about this workspace' }).getAttribute('placeholder'), 'Ask a follow-up…');
  });
});
