import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'mocha';
import type { FrameLocator, Locator, Page } from 'playwright-core';
import { ask, openLocoOperatorView, openWorkbench, screenshot, writeWorkspaceFile, type Workbench } from './support/workbench';

/**
 * A `.code-workspace` with two folders, the fixture project and `ws-b`, answered by a scripted
 * model whose one transcript serves the whole session: a question about the whole workspace (a
 * Grep without a path, references in both roots), Explain This Folder on a folder of the second
 * root as a follow-up, then the same session after `ws-b` is removed from the workspace file and
 * after a `ws-c` is added to it.
 */
const scratch = mkdtempSync(path.join(tmpdir(), 'loco-e2e-roots-'));
const second = path.join(scratch, 'ws-b');
const third = path.join(scratch, 'ws-c');
const cart = path.join(second, 'cart', 'cart.ts');
const notes = path.join(third, 'notes.md');
mkdirSync(path.dirname(cart), { recursive: true });
writeFileSync(cart, 'export class Cart {\n  // create_app wires the cart in\n  total = 0;\n}\n');
writeFileSync(path.join(second, 'cart', 'README.md'), '# Cart\n');
mkdirSync(third, { recursive: true });
writeFileSync(notes, 'hello from ws-c\n');

const call = (name: string, args: Record<string, unknown>) => `<tool_call>\n${JSON.stringify({ name, arguments: args })}\n</tool_call>`;
const transcriptFile = path.join(scratch, 'transcript.json');
writeFileSync(
  transcriptFile,
  JSON.stringify([
    `Searching the whole workspace.\n${call('Grep', { pattern: 'create_app' })}\n${call('Bash', { command: "rg -n 'create_app wires'", description: 'Search every root' })}`,
    `The factory is \`src/server/app.py:8\`; the cart wires it in at \`ws-b/cart/cart.ts:2\` (${cart}:2).`,
    `Listing the folder.\n${call('Bash', { command: 'ls -F', description: 'List the folder' })}\n${call('Glob', { pattern: '**/*' })}`,
    'The folder holds the cart: `cart.ts:1-4`.',
    call('Read', { file_path: cart }),
    'The cart is no longer in the workspace.',
    call('Read', { file_path: notes }),
    'The new folder has notes: `ws-c/notes.md:1`.',
  ]),
);

/** The text of a run's tool card, expanded to show its result. */
async function cardText(card: Locator): Promise<string> {
  await card.locator('.tool-card-toggle').click();
  return card.innerText();
}

/** Shows the Explorer (the activity-bar tab toggles, so look before clicking again) and returns its tree. */
async function showExplorer(page: Page): Promise<Locator> {
  const tree = page.locator('.explorer-folders-view');
  const explorerTab = page.locator('.part.activitybar').getByRole('tab', { name: /^Explorer/ });
  await explorerTab.click();
  if (!(await tree.waitFor({ timeout: 5_000 }).then(() => true, () => false))) await explorerTab.click();
  await tree.waitFor();
  return tree;
}

/** The run whose question is `question`. */
function runOf(view: FrameLocator, question: string): Locator {
  return view.locator('.run', { has: view.locator('.question-text', { hasText: question }) });
}

async function cursorLine(page: Page, line: number): Promise<void> {
  await page.waitForFunction((expected) => new RegExp(`^Ln ${expected},`).test(document.getElementById('status.editor.selection')?.innerText.trim() ?? ''), line);
}

describe('a multi-root workspace (scripted model)', () => {
  let workbench: Workbench;
  let view: FrameLocator;
  let first: string;

  before(async () => {
    workbench = await openWorkbench({ name: 'multi-root', extraRoots: [second], settings: { 'explorer.compactFolders': false }, scriptedModel: transcriptFile });
    first = workbench.workspace.root;
    view = await openLocoOperatorView(workbench.page);
  });

  after(async () => {
    await workbench?.close();
  });

  it('searches both roots without a path, and links references in both to the right line', async () => {
    const { page } = workbench;
    await ask(view, 'Where is create_app used?');
    const report = runOf(view, 'Where is create_app used?').locator('.report');
    await report.waitFor({ timeout: 30_000 });
    const grep = await cardText(runOf(view, 'Where is create_app used?').locator('.tool-card').first());
    assert.match(grep, /Found 5 files/);
    assert.match(grep, /src\/server\/app\.py/);
    assert.match(grep, /ws-b\/cart\/cart\.ts/);
    // Bash's rg without a path covers both roots too, the second by absolute path.
    const rg = runOf(view, 'Where is create_app used?').locator('.tool-card', { hasText: 'rg -n' });
    await rg.locator('.tool-card-toggle').click();
    // Only ws-b holds this line; the view shows its absolute path by the root's label, as every link.
    await rg.locator('.tool-pre', { hasText: /ws-b\/cart\/cart\.ts:2:\s+\/\/ create_app wires the cart in/ }).waitFor({ timeout: 10_000 });

    // Three forms of reference, one label each: root-relative, root-labelled, absolute.
    const firstName = path.basename(first);
    await report.locator('.file-link', { hasText: `${firstName}/src/server/app.py:8` }).waitFor();
    assert.equal(await report.locator('.file-link', { hasText: /^ws-b\/cart\/cart\.ts:2$/ }).count(), 2);
    assert.equal(await report.locator('.file-ref-missing').count(), 0);
    await screenshot(page, 'multi-root-report');

    await report.locator('.file-link', { hasText: /^ws-b\/cart\/cart\.ts:2$/ }).first().click();
    await page.locator('.tabs-container .tab.active', { hasText: 'cart.ts' }).waitFor();
    await cursorLine(page, 2);
    await report.locator('.file-link', { hasText: `${firstName}/src/server/app.py:8` }).click();
    await page.locator('.tabs-container .tab.active', { hasText: 'app.py' }).waitFor();
    await cursorLine(page, 8);
  });

  it('runs Explain This Folder on a folder of the second root in that folder, as a follow-up', async () => {
    const { page } = workbench;
    const tree = await showExplorer(page);
    const rootB = tree.getByRole('treeitem', { name: 'ws-b', exact: true });
    const folder = tree.getByRole('treeitem', { name: 'cart', exact: true });
    await rootB.waitFor();
    if (!(await folder.isVisible())) await rootB.click();
    await folder.click({ button: 'right' });
    await page.locator('.monaco-menu .action-item', { hasText: 'Explain This Folder' }).hover();
    await page.keyboard.press('Enter');

    const run = runOf(view, 'Explain ws-b/cart');
    await run.waitFor({ timeout: 30_000 });
    await run.locator('.run-scope', { hasText: 'ws-b/cart' }).waitFor();
    await run.locator('.report').waitFor({ timeout: 30_000 });
    // Bash and Glob without a path worked in the scoped folder of the second root, not the first root.
    const [ls, glob] = [await cardText(run.locator('.tool-card').nth(0)), await cardText(run.locator('.tool-card').nth(1))];
    assert.match(ls, /cart\.ts/);
    assert.doesNotMatch(ls, /src\//);
    // A bare name in the folder's listing is taken from the folder the run worked in.
    await run.locator('.tool-card .file-link', { hasText: /^ws-b\/cart\/README\.md$/ }).first().waitFor();
    assert.match(glob, /cart\.ts/);
    assert.doesNotMatch(glob, /app\.py/);
    await run.locator('.report .file-link', { hasText: /^ws-b\/cart\/cart\.ts:1-4$/ }).waitFor();
    await screenshot(page, 'multi-root-explain-folder');
  });

  it('follows folders removed from and added to the workspace mid-session', async () => {
    const { page } = workbench;
    writeWorkspaceFile([first], workbench.workspaceFile);
    await (await showExplorer(page)).getByRole('treeitem', { name: path.basename(first), exact: true }).waitFor();
    await page.locator('.explorer-folders-view').getByRole('treeitem', { name: 'ws-b', exact: true }).waitFor({ state: 'detached', timeout: 30_000 });
    view = await openLocoOperatorView(page);
    await ask(view, 'Read the cart again');
    let run = runOf(view, 'Read the cart again');
    await run.locator('.report').waitFor({ timeout: 30_000 });
    const refused = run.locator('.tool-card').first();
    assert.match((await refused.getAttribute('class')) ?? '', /status-refused/);
    assert.match(await cardText(refused), new RegExp(`Only paths inside ${first.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} can be read\\.`));

    writeWorkspaceFile([first, third], workbench.workspaceFile);
    await (await showExplorer(page)).getByRole('treeitem', { name: 'ws-c', exact: true }).waitFor({ timeout: 30_000 });
    view = await openLocoOperatorView(page);
    await ask(view, 'What is in the new folder?');
    run = runOf(view, 'What is in the new folder?');
    await run.locator('.report').waitFor({ timeout: 30_000 });
    assert.match((await run.locator('.tool-card').first().getAttribute('class')) ?? '', /status-done/);
    assert.match(await cardText(run.locator('.tool-card').first()), /hello from ws-c/);
    await run.locator('.report .file-link', { hasText: /^ws-c\/notes\.md:1$/ }).waitFor();
    await screenshot(page, 'multi-root-folders-changed');
  });
});
