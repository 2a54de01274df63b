// Playwright helpers for end-to-end specs: a VS Code window (code-server + Debian Chromium) with
// the extension installed, opened on a fresh copy of the fixture project. Specs run through
// scripts/test-host/run-e2e.mjs, which installs the extension once and names its folder in
// LOCOOPERATOR_E2E_EXTENSIONS_DIR.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { FrameLocator, Locator, Page } from 'playwright-core';
import { launchChromium } from '../../../scripts/test-host/chromium.mjs';
import { resultsDir } from '../../../scripts/test-host/hostPaths.mjs';
import { startCodeServer, type CodeServer } from '../../../scripts/test-host/server.mjs';
import { SCRIPTED_MODEL_ENV } from '../../../src/model/scriptedTranscript';
import { makeFixtureWorkspace, type FixtureWorkspace } from '../../fakes/fixtureWorkspace';

export const EXTENSION_ID = 'locoremind.locooperator';
export const e2eResultsDir = join(resultsDir, 'e2e');

export type ColorTheme = 'light' | 'dark' | 'hcLight' | 'hcDark';
export const COLOR_THEMES: readonly ColorTheme[] = ['light', 'dark', 'hcLight', 'hcDark'];
// Setting values and the labels Preferences: Color Theme shows for them (code-server 4.139).
const THEME_SETTINGS: Record<ColorTheme, string> = {
  light: 'Default Light Modern',
  dark: 'Default Dark Modern',
  hcLight: 'Default High Contrast Light',
  hcDark: 'Default High Contrast',
};
const THEME_LABELS: Record<ColorTheme, string> = { light: 'Light Modern', dark: 'Dark Modern', hcLight: 'Light High Contrast', hcDark: 'Dark High Contrast' };
// The workbench root carries the theme type as a class.
const THEME_CLASSES: Record<ColorTheme, string> = { light: 'vs', dark: 'vs-dark', hcLight: 'hc-light', hcDark: 'hc-black' };
/** The body of a webview says which kind of theme it is drawn in. */
export const WEBVIEW_THEME_SELECTORS: Record<ColorTheme, string> = {
  light: 'body.vscode-light',
  dark: 'body.vscode-dark',
  hcLight: 'body.vscode-high-contrast-light',
  hcDark: 'body.vscode-high-contrast:not(.vscode-high-contrast-light)',
};

/** A message in the browser's console, from the workbench or a webview. */
export interface ConsoleEntry {
  type: string;
  text: string;
  /** The script that logged it, where the browser knows. */
  url: string;
}

export interface Workbench {
  page: Page;
  server: CodeServer;
  /** The fixture project the window has open (test/fakes/fixtureWorkspace.ts describes it). */
  workspace: FixtureWorkspace;
  /** With `extraRoots`: the `.code-workspace` file the window opened (edit it to add or remove folders). */
  workspaceFile?: string;
  /** Everything logged to the browser's console so far. */
  console: ConsoleEntry[];
  /** Reloads the window, as Developer: Reload Window does, and waits until it is back. */
  reload(): Promise<void>;
  /** Closes the browser, stops the server and removes the workspace copy. */
  close(): Promise<void>;
}

export interface WorkbenchOptions {
  theme?: ColorTheme;
  /** User settings on top of the test host's quiet defaults (e.g. `locooperator.*`). */
  settings?: Record<string, unknown>;
  /** Names the server log in test-results/e2e/logs. */
  name?: string;
  /**
   * The transcript file a scripted model answers from. Without one the window has no model, as on
   * a first run, whatever an earlier spec in the same process used.
   */
  scriptedModel?: string;
  /**
   * More folders: the window then opens a `.code-workspace` file (beside them) whose folders are
   * the fixture project, then these, in order.
   */
  extraRoots?: string[];
  /** Workspace Trust on, as on a desktop: the fixture folder opens in Restricted Mode until the test trusts it. */
  untrusted?: boolean;
  /** Runs on the fresh copy of the fixture before the window opens it (e.g. to write .vscode/settings.json). */
  prepare?(root: string): void | Promise<void>;
}

let opened = 0;

export async function openWorkbench(options: WorkbenchOptions = {}): Promise<Workbench> {
  const extensionsDir = process.env.LOCOOPERATOR_E2E_EXTENSIONS_DIR;
  if (!extensionsDir) throw new Error('run end-to-end specs with scripts/test-host/run-e2e.mjs');
  const logsDir = join(e2eResultsDir, 'logs');
  mkdirSync(logsDir, { recursive: true });
  opened += 1;
  const name = options.name ?? `workbench-${opened}`;

  // The server inherits this process's environment.
  if (options.scriptedModel) process.env[SCRIPTED_MODEL_ENV] = options.scriptedModel;
  else delete process.env[SCRIPTED_MODEL_ENV];
  const workspace = await makeFixtureWorkspace();
  await options.prepare?.(workspace.root);
  const workspaceFile = options.extraRoots ? writeWorkspaceFile([workspace.root, ...options.extraRoots]) : undefined;
  const server = await startCodeServer({
    workspace: workspaceFile ?? workspace.root,
    extensionsDir,
    workspaceTrust: options.untrusted,
    settings: { 'workbench.colorTheme': THEME_SETTINGS[options.theme ?? 'dark'], ...options.settings },
    logFile: join(logsDir, `${name}-code-server.log`),
  });
  const browser = await launchChromium();
  const { page } = browser;
  const consoleLog: string[] = [];
  const entries: ConsoleEntry[] = [];
  page.on('console', (message) => {
    consoleLog.push(`[${message.type()}] ${message.text()}`);
    entries.push({ type: message.type(), text: message.text(), url: message.location().url });
  });
  page.on('pageerror', (error) => {
    consoleLog.push(`[pageerror] ${error.stack ?? error.message}`);
    entries.push({ type: 'pageerror', text: error.stack ?? error.message, url: '' });
  });

  await page.goto(server.workbenchUrl());
  await waitForWorkbench(page);
  return {
    page,
    server,
    workspace,
    workspaceFile,
    console: entries,
    async reload() {
      await page.reload();
      await waitForWorkbench(page);
    },
    async close() {
      writeFileSync(join(logsDir, `${name}-console.log`), consoleLog.join('\n'));
      await browser.close();
      await server.stop();
      await workspace.cleanup();
    },
  };
}

/** A multi-root workspace file listing `folders`, in a folder of its own beside the last one. */
export function writeWorkspaceFile(folders: readonly string[], file?: string): string {
  const target = file ?? join(mkdtempSync(join(dirname(folders.at(-1)!), 'workspace-')), 'multi-root.code-workspace');
  writeFileSync(target, JSON.stringify({ folders: folders.map((folder) => ({ path: folder })) }, null, 2));
  return target;
}

async function waitForWorkbench(page: Page): Promise<void> {
  await page.locator('.monaco-workbench .part.statusbar').waitFor({ timeout: 60_000 });
}

/** The extension's icon in the activity bar; it appears once the extension's contributions load. */
export function activityBarIcon(page: Page): Locator {
  return page.locator('.part.activitybar').getByRole('tab', { name: /^LocoOperator\b/ });
}

/**
 * Shows the Ask LocoOperator view and returns the view's content frame once the webview has
 * loaded. The icon toggles: a click that lands while the workbench is still restoring its layout
 * (just after a reload) can hide the side bar again, so this looks at the result and clicks again
 * only while the container is not shown.
 */
export async function openLocoOperatorView(page: Page): Promise<FrameLocator> {
  const icon = activityBarIcon(page);
  await icon.waitFor({ timeout: 60_000 });
  const content = webviewFrame(page).locator('body > *').first();
  const deadline = Date.now() + 60_000;
  while (!(await content.isVisible())) {
    if (Date.now() > deadline) throw new Error('the Ask LocoOperator view did not show its content within 60 s');
    const shown = (await icon.getAttribute('aria-selected')) === 'true' && (await page.locator('.part.sidebar').isVisible());
    if (!shown) {
      await icon.click();
      // Move off the icon so its tooltip does not cover the view in screenshots.
      await page.mouse.move(700, 450);
    }
    await content.waitFor({ timeout: 5_000 }).catch(() => undefined);
  }
  return webviewFrame(page);
}

/**
 * Starts a new session from the palette, and waits for the last thing the command does: the
 * question box gets the focus. VS Code hands a webview its focus asynchronously, so a test that
 * went on at once could have its next click's menu or palette closed by that focus arriving late.
 */
export async function startNewSession(page: Page): Promise<void> {
  await runCommand(page, 'LocoOperator: New Session');
  const box = webviewFrame(page).getByRole('textbox', { name: 'Question about this workspace' });
  const focused = () => box.evaluate((node) => node === document.activeElement && document.hasFocus()).catch(() => false);
  const deadline = Date.now() + 30_000;
  while (!(await focused())) {
    if (Date.now() > deadline) throw new Error('New Session did not put the focus in the question box within 30 s');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Asks a question in the Ask view as a person does: types it into the box and presses Enter. */
export async function ask(view: FrameLocator, question: string): Promise<void> {
  const box = view.getByRole('textbox', { name: 'Question about this workspace' });
  await box.fill(question);
  await box.press('Enter');
}

/**
 * The extension's webview content. VS Code nests it two frames deep: an outer host frame
 * (`iframe.webview.ready`) and the content frame `#active-frame` inside it.
 */
export function webviewFrame(page: Page): FrameLocator {
  return page
    .locator(`iframe.webview.ready[src*="extensionId=${EXTENSION_ID}"]`)
    .first()
    .contentFrame()
    .frameLocator('#active-frame');
}

/**
 * Runs a command from the command palette by its title as the palette shows it (e.g.
 * "LocoOperator: New Session"). Open the palette only after the activity-bar icon exists:
 * earlier, the extension's commands are not yet listed.
 */
export async function runCommand(page: Page, title: string): Promise<void> {
  await activityBarIcon(page).waitFor({ timeout: 60_000 });
  const input = page.locator('.quick-input-widget input');
  // With the focus in a webview, F1 reaches the workbench through the webview's key forwarding,
  // and the palette takes the focus a moment later: type only once its input has it, or the
  // title lands in the view's question box.
  await page.keyboard.press('F1');
  await input.waitFor();
  // A webview that had the focus can take it back while the palette opens (seen once in
  // three runs of the suite on a busy machine): focus the input again until it holds the focus.
  const hasFocus = () => page.evaluate(() => document.activeElement?.matches('.quick-input-widget input') === true);
  for (let tries = 0; tries < 10 && !(await hasFocus()); tries += 1) {
    await input.focus();
    await page.waitForFunction(() => document.activeElement?.matches('.quick-input-widget input') === true, undefined, { timeout: 3_000 }).catch(() => undefined);
  }
  assert.ok(await hasFocus(), 'the command palette has the focus');
  await page.keyboard.type(title);
  await pickQuickInputItem(page, title);
}

/**
 * Picks the quick-input row whose label is exactly `label`. The palette ranks other matches
 * (e.g. "… in Marketplace") above the exact one, so Enter alone is not enough.
 */
export async function pickQuickInputItem(page: Page, label: string): Promise<void> {
  const exact = new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
  const row = page
    .locator('.quick-input-widget .monaco-list-row')
    .filter({ has: page.locator('.label-name', { hasText: exact }) })
    .first();
  await row.click();
}

/** Switches the color theme with Preferences: Color Theme, as a user would. */
export async function setColorTheme(workbench: Workbench, theme: ColorTheme): Promise<void> {
  const { page } = workbench;
  await runCommand(page, 'Preferences: Color Theme');
  // Filtered, so that the row is in the list's rendered part.
  await page.keyboard.type(THEME_LABELS[theme]);
  await pickQuickInputItem(page, THEME_LABELS[theme]);
  await page.locator(`.monaco-workbench.${THEME_CLASSES[theme]}`).waitFor({ timeout: 30_000 });
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
}

/** Saves a screenshot of the page (or of one element) to test-results/e2e/NAME.png. */
export async function screenshot(page: Page, name: string, of?: Locator): Promise<string> {
  mkdirSync(e2eResultsDir, { recursive: true });
  const path = join(e2eResultsDir, `${name}.png`);
  if (of) await of.screenshot({ path });
  else await page.screenshot({ path });
  return path;
}
