import * as assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, describe, it } from 'mocha';
import type { Locator, Page } from 'playwright-core';
import { repoRoot } from '../../scripts/test-host/hostPaths.mjs';
import { EXTENSION_ID, openWorkbench, runCommand, screenshot, webviewFrame, type Workbench } from './support/workbench';

/**
 * The first-run walkthrough (Welcome: Open Walkthrough…), clicked through as a newcomer would:
 * each step's button runs the real command, and each is checked for what it did. Downloads go
 * to a local stand-in for Hugging Face that never answers, so the download stays in progress
 * until the test cancels it; questions are answered by the scripted model.
 */
const HF_ENDPOINT = 'HF_ENDPOINT';

/** A model hub that takes requests and never answers them; records what was asked for. */
async function silentHub(): Promise<{ endpoint: string; requests: string[]; server: Server; held: IncomingMessage[] }> {
  const requests: string[] = [];
  const held: IncomingMessage[] = [];
  const server = createServer((request) => {
    requests.push(request.url ?? '');
    held.push(request);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests, server, held };
}

/**
 * Opens a step of the walkthrough by its title and returns its button of that label, once the
 * step's markdown (headed by `heading`) shows and the step has the focus: the walkthrough focuses
 * a step it expands after its slide animation (250 ms, later on a busy machine), which would take
 * the focus back from whatever a button clicked before then gave it to.
 */
async function stepButton(page: Page, step: string, heading: string, label: string): Promise<Locator> {
  const walkthrough = page.locator('.gettingStartedContainer');
  const stepHeader = walkthrough.locator('button.getting-started-step', { hasText: step });
  if (!(await stepHeader.getAttribute('class'))?.includes('expanded')) {
    await stepHeader.click();
    await page.waitForFunction((header) => document.activeElement === header, await stepHeader.elementHandle(), { timeout: 30_000 });
  }
  await mediaShown(page, heading);
  const button = walkthrough.getByRole('button', { name: label, exact: true });
  await button.waitFor();
  return button;
}

/** Waits until a frame (the walkthrough renders its markdown in a webview) shows this heading. */
async function mediaShown(page: Page, heading: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    for (const frame of page.frames()) {
      if ((await frame.locator('h1', { hasText: heading }).count().catch(() => 0)) > 0) return;
    }
    if (Date.now() > deadline) throw new Error(`the walkthrough did not show its page "${heading}"`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('The first-run walkthrough', () => {
  let workbench: Workbench;
  let hub: Awaited<ReturnType<typeof silentHub>>;

  before(async () => {
    hub = await silentHub();
    // The extension host inherits this process's environment.
    process.env[HF_ENDPOINT] = hub.endpoint;
    workbench = await openWorkbench({
      theme: 'dark',
      name: 'walkthrough',
      scriptedModel: path.join(repoRoot, 'test', 'e2e', 'transcripts', 'explain-folder.json'),
      // The last step opens VS Code's chat, which the other tests' windows leave off.
      settings: { 'chat.disableAIFeatures': false },
    });
  });

  after(async () => {
    await workbench?.close();
    delete process.env[HF_ENDPOINT];
    for (const request of hub?.held ?? []) request.socket.destroy();
    hub?.server.close();
  });

  it('opens from the palette, and each step\'s button does what it says', async () => {
    const { page } = workbench;
    await runCommand(page, 'Welcome: Open Walkthrough...');
    await page.keyboard.type('Get Started with LocoOperator');
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'Get Started with LocoOperator' }).waitFor();
    await page.keyboard.press('Enter');
    const walkthrough = page.locator('.gettingStartedContainer');
    await walkthrough.locator('h2', { hasText: 'Get Started with LocoOperator' }).waitFor({ timeout: 30_000 });
    await screenshot(page, 'walkthrough-dark');

    // Get the model: the download starts (from the hub the environment names), and can be cancelled.
    await (await stepButton(page, 'Get the model', 'Get the model', 'Download LocoOperator-4B')).click();
    const progress = page.locator('.notification-toast', { hasText: 'Downloading LocoOperator-4B (Q4_K_M)' });
    await progress.waitFor({ timeout: 30_000 });
    const deadline = Date.now() + 30_000;
    while (hub.requests.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    // It first lists the model's repository, to find the variant's file.
    assert.equal(hub.requests[0], '/api/models/LocoreMind/LocoOperator-4B-GGUF/tree/main');
    await progress.getByRole('button', { name: 'Cancel' }).click();
    await page.locator('.notification-toast', { hasText: 'Download cancelled' }).waitFor({ timeout: 30_000 });

    // … or a GGUF file already on disk: the file picker opens.
    await (await stepButton(page, 'Get the model', 'Get the model', 'Choose a GGUF File')).click();
    const picker = page.locator('.quick-input-widget');
    await picker.getByText('Select a LocoOperator-4B GGUF file').waitFor({ timeout: 30_000 });
    await screenshot(page, 'walkthrough-choose-file-dark');
    await page.keyboard.press('Escape');
    await picker.waitFor({ state: 'hidden' });

    // … or a shared server: Configure Model… asks for the back-end first.
    await (await stepButton(page, 'Get the model', 'Get the model', 'Connect a Shared Server')).click();
    await picker.locator('.quick-input-title', { hasText: 'LocoOperator: Configure Model' }).waitFor({ timeout: 30_000 });
    await picker.locator('.monaco-list-row', { hasText: 'llama-server' }).first().waitFor();
    await page.keyboard.press('Escape');
    await picker.waitFor({ state: 'hidden' });

    // Ask a first question: the Ask view opens with the focus in it.
    await (await stepButton(page, 'Ask a first question', 'Ask a first question', 'Open the Ask View')).click();
    const view = webviewFrame(page);
    await view.getByRole('textbox', { name: 'Question about this workspace' }).waitFor({ timeout: 60_000 });
    await page.waitForFunction(
      (extensionId) => document.activeElement instanceof HTMLIFrameElement && document.activeElement.src.includes(`extensionId=${extensionId}`),
      EXTENSION_ID,
      { timeout: 30_000 },
    );

    // Explain a folder: with one folder open, the button explains it, as a run of the view.
    await (await stepButton(page, 'Explain a folder', 'Explain this folder', 'Explain This Folder')).click();
    const run = view.locator('.run', { hasText: `Explain ${path.basename(workbench.workspace.root)}` });
    await run.locator('.report').waitFor({ timeout: 60_000 });
    assert.equal(await run.locator('.tool-card.status-done').count(), 6);
    await screenshot(page, 'walkthrough-explained-dark');

    // Let other agents explore: the chat opens with @locooperator as the participant.
    await (await stepButton(page, 'Let other agents explore', 'Let other agents explore', 'Ask @locooperator in Chat')).click();
    await page.locator('.interactive-input-part .view-lines', { hasText: '@locooperator' }).waitFor({ timeout: 30_000 });
    await screenshot(page, 'walkthrough-chat-dark');
  });
});
