import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'mocha';
import type { FrameLocator } from 'playwright-core';
import { repoRoot } from '../../scripts/test-host/hostPaths.mjs';
import { linkExtension } from '../../scripts/test-host/server.mjs';
import { EXTENSION_ID, openLocoOperatorView, openWorkbench, runCommand, screenshot, type Workbench } from './support/workbench';

/**
 * Another agent calls #explore: a small extension (test/e2e/fixtures/explore-caller) invokes the
 * language-model tool with vscode.lm.invokeTool, as Copilot's agent mode would. Its exploration
 * must show in the Ask view as a run whose tool cards a person can watch.
 */
const ANSWER_ENV = 'LOCOOPERATOR_E2E_EXPLORE_ANSWER';
const EXTENSIONS_ENV = 'LOCOOPERATOR_E2E_EXTENSIONS_DIR';

describe('#explore called by another agent', () => {
  let workbench: Workbench;
  let view: FrameLocator;
  const scratch = mkdtempSync(path.join(tmpdir(), 'loco-e2e-agent-'));
  const answerFile = path.join(scratch, 'answer.json');
  const extensionsDir = path.join(scratch, 'extensions');

  before(async () => {
    const sharedDir = process.env[EXTENSIONS_ENV];
    if (!sharedDir) throw new Error('run end-to-end specs with scripts/test-host/run-e2e.mjs');
    // A window of its own extensions: LocoOperator as this run installed it (linked or from the
    // VSIX), and the caller. Other specs' windows never see the caller.
    const installed = readdirSync(sharedDir).find((name) => name.startsWith(`${EXTENSION_ID}-`));
    if (!installed) throw new Error(`no ${EXTENSION_ID} in ${sharedDir}`);
    linkExtension(path.join(sharedDir, installed), extensionsDir);
    linkExtension(path.join(repoRoot, 'test', 'e2e', 'fixtures', 'explore-caller'), extensionsDir);
    process.env[EXTENSIONS_ENV] = extensionsDir;
    // The test host's extension host inherits this process's environment.
    process.env[ANSWER_ENV] = answerFile;
    try {
      workbench = await openWorkbench({ theme: 'dark', name: 'agent-tool', scriptedModel: path.join(repoRoot, 'test', 'e2e', 'transcripts', 'where-are-routes.json') });
    } finally {
      process.env[EXTENSIONS_ENV] = sharedDir;
    }
    view = await openLocoOperatorView(workbench.page);
  });

  after(async () => {
    await workbench?.close();
    delete process.env[ANSWER_ENV];
    rmSync(scratch, { recursive: true, force: true });
  });

  it('shows the tool call as a run in the Ask view, and the caller gets the checked report', async () => {
    const { page } = workbench;
    await runCommand(page, 'Explore Caller: Ask LocoOperator to Explore');
    // VS Code asks the person first, with the tool's confirmation message.
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.getByText('Explore the codebase with LocoOperator?').waitFor({ timeout: 30_000 });
    await dialog.getByText('Where are the HTTP routes registered?').waitFor();
    await screenshot(page, 'agent-tool-confirmation-dark');
    await dialog.getByRole('button', { name: 'Yes' }).click();
    // The visible question: once the run has ended, the history list holds it too, hidden and earlier in the page.
    await view.getByText('Where are the HTTP routes registered?').filter({ visible: true }).first().waitFor({ timeout: 30_000 });
    await view.locator('.tool-card').nth(3).waitFor({ timeout: 30_000 });
    const report = view.locator('.report');
    await report.waitFor({ timeout: 30_000 });
    assert.equal(await view.locator('.tool-card.status-done').count(), 4);
    await report.locator('.file-link', { hasText: 'src/server/routes.py:3' }).first().waitFor();
    // The run as a person watching the view sees it: the agent's question, then its tool cards.
    await view.locator('.tool-card').first().scrollIntoViewIfNeeded();
    await screenshot(page, 'agent-tool-run-dark');

    const deadline = Date.now() + 30_000;
    while (!existsSync(answerFile) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    const answer = JSON.parse(readFileSync(answerFile, 'utf8')) as { text?: string; error?: string };
    assert.equal(answer.error, undefined);
    assert.match(answer.text ?? '', /src\/server\/routes\.py:3/);
    assert.match(answer.text ?? '', /src\/server\/auth\.py:1 \[unverified\]/);
    assert.ok(!(answer.text ?? '').includes(workbench.workspace.root), 'references are workspace-relative');
  });
});
