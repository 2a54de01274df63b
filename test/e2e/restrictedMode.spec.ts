import * as assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'mocha';
import type { FrameLocator, Locator } from 'playwright-core';
import { repoRoot } from '../../scripts/test-host/hostPaths.mjs';
import { git } from '../unit/bash/gitFixtures';
import { ask, openLocoOperatorView, openWorkbench, screenshot, type Workbench } from './support/workbench';

/**
 * A folder nobody trusted yet (Workspace Trust on, as on a desktop): the explorer answers with
 * Read, Grep, Glob and the simulated shell, refuses git with the reason, and ignores the folder's
 * own settings; once the person trusts the folder, git works and the settings count, without a
 * reload. The folder is a git repository whose .vscode/settings.json sets a turn budget of 2
 * (the first question takes 3 turns, the second would take 3).
 */
const TRANSCRIPT = path.join(repoRoot, 'test', 'e2e', 'transcripts', 'untrusted-git.json');

function makeRepository(root: string): void {
  mkdirSync(path.join(root, '.vscode'));
  writeFileSync(path.join(root, '.vscode', 'settings.json'), JSON.stringify({ 'locooperator.maxTurns.medium': 2 }, null, 2));
  git(root, 'init', '-q');
  git(root, 'add', '-A');
  git(root, 'commit', '-q', '-m', 'Import the project');
}

/** The card's result, opened as a person would. */
async function cardResult(card: Locator): Promise<string> {
  await card.locator('.tool-card-toggle').click();
  return card.locator('.tool-card-body .tool-pre').last().innerText();
}

describe('Restricted Mode (an untrusted folder)', () => {
  let workbench: Workbench;
  let view: FrameLocator;

  before(async () => {
    workbench = await openWorkbench({ theme: 'dark', name: 'restricted-mode', untrusted: true, prepare: makeRepository, scriptedModel: TRANSCRIPT });
    view = await openLocoOperatorView(workbench.page);
  });

  after(async () => {
    await workbench?.close();
  });

  it('explores without git and without the folder\'s settings, then uses both once the folder is trusted', async () => {
    const { page } = workbench;
    const line = view.getByRole('status').filter({ hasText: 'Restricted Mode' });
    await line.getByText("Restricted Mode: git is off and this folder's LocoOperator settings are ignored.").waitFor({ timeout: 30_000 });

    await ask(view, 'What changed lately?');
    const firstRun = view.locator('.run').first();
    await firstRun.locator('.report').waitFor({ timeout: 60_000 });
    const gitCard = firstRun.locator('.tool-card').first();
    assert.match(await gitCard.getAttribute('class') ?? '', /status-refused/);
    assert.match(
      await cardResult(gitCard),
      /^Command refused: git is off because this folder is not trusted \(Restricted Mode\); the user can trust it with "Workspaces: Manage Workspace Trust"/,
    );
    // The folder's turn budget of 2 was ignored: the run took its 3 turns and ended with its report.
    await firstRun.locator('.run-footer', { hasText: '3 turns' }).waitFor();
    assert.equal(await firstRun.getByText(/Reached the turn limit/).count(), 0);
    await screenshot(page, 'restricted-mode-git-refused-dark');

    await line.getByRole('button', { name: 'Trust Folder…' }).click();
    const trustEditor = page.locator('.workspace-trust-editor');
    await trustEditor.waitFor({ timeout: 30_000 });
    await screenshot(page, 'restricted-mode-trust-editor-dark');
    await trustEditor.getByRole('button', { name: 'Trust', exact: true }).click();
    await line.waitFor({ state: 'detached', timeout: 30_000 });
    // The trust editor opens over the view, as a modal editor: out of the way again.
    const modal = page.locator('.modal-editor-part');
    await modal.getByRole('button', { name: /^Close Modal Editor/ }).click();
    await trustEditor.waitFor({ state: 'hidden' });

    await ask(view, 'What is the latest commit?');
    const secondRun = view.locator('.run').nth(1);
    // The folder's settings count now: the budget of 2 turns ends this run.
    await secondRun.getByText(/Reached the turn limit \(2 turns\)/).waitFor({ timeout: 60_000 });
    const trustedGit = secondRun.locator('.tool-card').first();
    assert.match(await trustedGit.getAttribute('class') ?? '', /status-done/);
    assert.match(await cardResult(trustedGit), /^[0-9a-f]{7,} Import the project$/);
    await screenshot(page, 'restricted-mode-trusted-dark');
  });
});
