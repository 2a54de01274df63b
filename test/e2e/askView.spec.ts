import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'mocha';
import type { FrameLocator, Page } from 'playwright-core';
import { repoRoot } from '../../scripts/test-host/hostPaths.mjs';
import { ask, openLocoOperatorView, openWorkbench, screenshot, setColorTheme, startNewSession, webviewFrame, type Workbench } from './support/workbench';

/**
 * The Ask LocoOperator view end to end, answered by a scripted model: the extension reads the
 * transcript named by LOCOOPERATOR_SCRIPTED_MODEL each time a session starts, so each step
 * writes its transcript there and starts a new session.
 */
const transcriptFile = path.join(mkdtempSync(path.join(tmpdir(), 'loco-e2e-')), 'transcript.json');

function useTranscript(name: string): void {
  writeFileSync(transcriptFile, readFileSync(path.join(repoRoot, 'test', 'e2e', 'transcripts', `${name}.json`)));
}

/** The editor's cursor position as the status bar shows it, e.g. "Ln 3, Col 37 (36 selected)". */
async function cursorStatus(page: Page): Promise<string> {
  return (await page.locator('#status\\.editor\\.selection').innerText()).trim();
}

describe('Ask LocoOperator (scripted model)', () => {
  let workbench: Workbench;
  let view: FrameLocator;

  before(async () => {
    useTranscript('where-are-routes');
    // Separate Explorer rows for src and src/server, so the test can right-click the inner folder.
    workbench = await openWorkbench({ theme: 'dark', name: 'ask', settings: { 'explorer.compactFolders': false }, scriptedModel: transcriptFile });
    view = await openLocoOperatorView(workbench.page);
  });

  after(async () => {
    await workbench?.close();
  });

  it('streams tool cards and a report whose file references open the editor at that line', async () => {
    const { page } = workbench;
    await ask(view, 'Where are the HTTP routes registered?');
    await view.locator('.tool-card').nth(3).waitFor();
    const report = view.locator('.report');
    await report.waitFor({ timeout: 30_000 });
    assert.equal(await view.locator('.tool-card').count(), 4);
    assert.equal(await view.locator('.tool-card.status-done').count(), 4);
    await screenshot(page, 'ask-report-dark');

    // Verified references are links; the invented one is marked, not linked.
    await report.locator('.file-link', { hasText: 'src/server/routes.py:3' }).first().waitFor();
    await report.locator('.file-ref-missing', { hasText: 'src/server/auth.py:1' }).waitFor();
    assert.equal(await report.locator('.file-link', { hasText: 'src/server/auth.py' }).count(), 0);

    await report.locator('.file-link', { hasText: /^src\/server\/routes\.py:3$/ }).click();
    await page.locator('.tabs-container .tab.active', { hasText: 'routes.py' }).waitFor();
    await page.waitForFunction(() => /^Ln 3, Col \d+ \(\d+ selected\)$/.test(document.getElementById('status.editor.selection')?.innerText.trim() ?? ''));
    // Line 3 is `bp = Blueprint("tasks", __name__)`: 33 characters, all selected.
    assert.match(await cursorStatus(page), /^Ln 3, Col 34 \(33 selected\)$/);
    await screenshot(page, 'ask-link-opened-dark');

    await report.locator('.file-link', { hasText: /^src\/server\/routes\.py:15-23$/ }).click();
    await page.waitForFunction(() => /^Ln 23,/.test(document.getElementById('status.editor.selection')?.innerText.trim() ?? ''));
    assert.match(await cursorStatus(page), /selected/);

    await setColorTheme(workbench, 'light');
    await view.locator('body.vscode-light').waitFor();
    await screenshot(page, 'ask-report-light');
    await setColorTheme(workbench, 'dark');

    // Open in Editor: the report as a markdown document, headed by the question.
    await report.getByRole('button', { name: 'Open in Editor' }).click();
    await page.locator('.tabs-container .tab.active', { hasText: 'Untitled' }).waitFor();
    await page.locator('.monaco-editor .view-line', { hasText: '# Where are the HTTP routes registered?' }).first().waitFor();
  });

  it('runs Explain This Folder from the Explorer context menu, scoped to that folder', async () => {
    const { page } = workbench;
    useTranscript('explain-folder');
    await startNewSession(page);
    const tree = page.locator('.explorer-folders-view');
    const src = tree.getByRole('treeitem', { name: 'src', exact: true });
    const server = tree.getByRole('treeitem', { name: 'server', exact: true });
    // The activity-bar tab toggles: if the Explorer was already showing, the first click hides it.
    const explorerTab = page.locator('.part.activitybar').getByRole('tab', { name: /^Explorer/ });
    await explorerTab.click();
    if (!(await src.waitFor({ timeout: 5_000 }).then(() => true, () => false))) await explorerTab.click();
    await src.waitFor();
    if (!(await server.isVisible())) await src.click();
    await server.click({ button: 'right' });
    const item = page.locator('.monaco-menu .action-item', { hasText: 'Explain This Folder' });
    await item.hover();
    await screenshot(page, 'explain-folder-menu-dark');
    await page.keyboard.press('Enter');

    const frame = webviewFrame(page);
    await frame.locator('.run-scope', { hasText: 'src/server' }).first().waitFor({ timeout: 30_000 });
    await frame.locator('.question-text', { hasText: 'Explain src/server' }).waitFor();
    await frame.locator('.report').waitFor({ timeout: 30_000 });
    await frame.locator('.report .file-link', { hasText: 'src/server/models.py:16-38' }).first().waitFor();
    // The run worked in the folder: its first card lists the package.
    await frame.locator('.tool-card .tool-title', { hasText: 'ls -F' }).first().waitFor();
    assert.equal(await frame.locator('.tool-card.status-done').count(), 6);
    await screenshot(page, 'explain-folder-dark');
    await setColorTheme(workbench, 'light');
    await screenshot(page, 'explain-folder-light');
    await setColorTheme(workbench, 'dark');
  });

  it('stops a run in the middle and says so', async () => {
    const { page } = workbench;
    useTranscript('slow');
    await startNewSession(page);
    await ask(view, 'Give me a tour of the project');
    await view.locator('.working').waitFor();
    await view.getByRole('button', { name: /^Stop \(Escape/ }).click();
    await view.locator('.outcome', { hasText: 'Stopped.' }).waitFor({ timeout: 10_000 });
    assert.equal(await view.locator('.working').count(), 0);
    await screenshot(page, 'stopped-dark');
  });

  it('after the window reloads, continues the conversation, and reopens and deletes past runs', async () => {
    const { page } = workbench;
    await workbench.reload();
    const reloaded = await openLocoOperatorView(page);
    // The conversation the window had is the live one again: the next question continues it.
    await reloaded.locator('.run .question-text', { hasText: 'Give me a tour of the project' }).waitFor({ timeout: 30_000 });
    assert.equal(await reloaded.locator('.past-session').count(), 0);
    const box = reloaded.getByRole('textbox', { name: 'Question about this workspace' });
    assert.equal(await box.getAttribute('placeholder'), 'Ask a follow-up…');
    await screenshot(page, 'conversation-after-reload-dark');
    useTranscript('where-are-routes');
    await ask(reloaded, 'And where are the routes?');
    await reloaded.locator('.report').waitFor({ timeout: 30_000 });
    assert.equal(await reloaded.locator('.run').count(), 2);
    assert.equal(await reloaded.locator('.past-session').count(), 0);
    await screenshot(page, 'conversation-continued-dark');

    await reloaded.locator('.history-section summary').click();
    const entry = reloaded.locator('.history-open', { hasText: 'Where are the HTTP routes registered?' });
    await entry.waitFor({ timeout: 30_000 });
    await screenshot(page, 'history-after-reload-dark');

    const stopped = reloaded.locator('.history-open', { hasText: 'Give me a tour of the project' });
    await stopped.waitFor();
    await reloaded.getByRole('button', { name: 'Delete “Give me a tour of the project” from history' }).click();
    await stopped.waitFor({ state: 'detached' });

    await entry.click();
    await reloaded.locator('.report').waitFor({ timeout: 30_000 });
    assert.equal(await reloaded.locator('.tool-card').count(), 4);
    await reloaded.locator('.report .file-link', { hasText: 'src/server/routes.py:3' }).first().waitFor();
    // A past session says so, and the next question is not a follow-up to it.
    await reloaded.locator('.past-session', { hasText: 'Viewing a past session' }).waitFor();
    assert.equal(await box.getAttribute('placeholder'), 'Ask a new question…');
    await screenshot(page, 'history-reopened-dark');
    await reloaded.getByRole('button', { name: 'Back to current session' }).click();
    await reloaded.locator('.past-session').waitFor({ state: 'detached' });
  });
});
