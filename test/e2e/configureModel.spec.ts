import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'mocha';
import type { Page } from 'playwright-core';
import { llamaServerIdentity, startFakeServer } from '../fakes/inferenceServers';
import { openLocoOperatorView, openWorkbench, pickQuickInputItem, runCommand, screenshot } from './support/workbench';

/**
 * "LocoOperator: Configure Model…" in code-server, which is a remote window: VS Code reads the
 * machine-scoped settings (the back-end, the server) only from the Remote settings there, and
 * ignores them in the User settings. The command must write them where they apply, and Open
 * Settings must show them on the Remote tab.
 */
describe('Configure Model… in a remote window (code-server)', () => {
  it('saves a llama-server to the Remote settings, which the model then uses, and Open Settings shows them on the Remote tab', async () => {
    const server = await startFakeServer(llamaServerIdentity());
    const refused = await startFakeServer({});
    const refusedUrl = refused.url;
    await refused.close();
    const workbench = await openWorkbench({ name: 'configure-model' });
    try {
      const { page } = workbench;
      const view = await openLocoOperatorView(page);
      await view.getByRole('region', { name: 'Model needed' }).waitFor({ timeout: 60_000 });
      const userData = dirname(dirname(workbench.server.settingsFile));
      const remoteSettings = join(userData, 'Machine', 'settings.json');

      // A server that refuses: the model panel says so and offers Open Settings.
      await configureLlamaServer(page, refusedUrl);
      const problem = view.getByRole('alert', { name: 'Model problem' });
      await problem.getByText(`Cannot reach the llama-server at ${refusedUrl}: connection refused.`).waitFor({ timeout: 60_000 });
      const saved = JSON.parse(readFileSync(remoteSettings, 'utf8')) as Record<string, unknown>;
      assert.equal(saved['locooperator.backend'], 'llama-server');
      assert.equal(saved['locooperator.server.url'], refusedUrl);
      const user = readFileSync(workbench.server.settingsFile, 'utf8');
      assert.ok(!user.includes('locooperator.backend') && !user.includes('locooperator.server'), `nothing of it in the User settings: ${user}`);

      await problem.getByRole('button', { name: 'Open Settings' }).click();
      const tabs = page.locator('.settings-tabs-widget');
      const selected = tabs.getByRole('tab', { selected: true });
      await selected.waitFor({ timeout: 30_000 });
      assert.match((await selected.textContent()) ?? '', /^Remote/, 'the Remote tab is the one shown');
      // The list shows the extension's settings (it is virtual: the first rows); the back-end, first of
      // them, is marked as set here, with the value Configure Model saved.
      const backendRow = page.locator('.settings-editor .setting-item-contents').filter({ has: page.locator('.setting-item-label', { hasText: /^Backend$/ }) });
      await backendRow.waitFor({ timeout: 30_000 });
      await screenshot(page, 'configure-model-remote-settings');
      assert.match((await backendRow.getAttribute('class')) ?? '', /\bis-configured\b/, 'the Remote tab shows the back-end as set there');
      assert.equal(await backendRow.locator('select').evaluate((select) => (select as HTMLSelectElement).value), 'llama-server');

      // The Settings editor opens as a modal over the workbench: closed, as a user would.
      await page.locator('.monaco-modal-editor-block .codicon-close').first().click();
      await page.locator('.settings-editor').waitFor({ state: 'detached', timeout: 30_000 });

      // The server that answers: the model now comes from it.
      await configureLlamaServer(page, server.url);
      const status = page.locator('.part.statusbar').getByText(`LocoOperator: ready (llama-server at ${server.url})`);
      await status.waitFor({ timeout: 60_000 });
      assert.equal((JSON.parse(readFileSync(remoteSettings, 'utf8')) as Record<string, unknown>)['locooperator.server.url'], server.url);
      assert.ok(server.requests.some((request) => request.path === '/props'), 'the extension asked the configured server who it is');
      await view.getByRole('alert', { name: 'Model problem' }).waitFor({ state: 'detached', timeout: 30_000 });
      await screenshot(page, 'configure-model-ready');
    } finally {
      await workbench.close();
      await server.close();
    }
  });
});

/** Runs Configure Model… and answers its steps for a llama-server at `url` with no model name and no key. */
async function configureLlamaServer(page: Page, url: string): Promise<void> {
  await runCommand(page, 'LocoOperator: Configure Model…');
  await answerStep(page, 'Back-end', () => pickQuickInputItem(page, 'llama-server'));
  await answerStep(page, 'Server Address', () => typeAnswer(page, url));
  await answerStep(page, 'Server Model', () => typeAnswer(page, ''));
  await answerStep(page, 'API Key', () => pickQuickInputItem(page, 'No API key'));
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
}

/** Waits for the step whose title ends with `step`, then answers it. */
async function answerStep(page: Page, step: string, answer: () => Promise<void>): Promise<void> {
  await page.locator('.quick-input-widget .quick-input-title').getByText(`LocoOperator: Configure Model — ${step}`, { exact: true }).waitFor({ timeout: 30_000 });
  await answer();
}

async function typeAnswer(page: Page, text: string): Promise<void> {
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.fill(text);
  await input.press('Enter');
}
