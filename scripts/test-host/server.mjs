// Starts code-server (VS Code in a browser) on loopback with private state, installs the
// extension under test into it, and stops it with everything it spawned. Nothing it writes lands
// in the user's own code-server profile: config, user data and TMPDIR are in a temporary folder.
import { spawn, spawnSync } from 'node:child_process';
import {
  createWriteStream,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { codeServerEntry, nodeBin } from './hostPaths.mjs';

const HOST = '127.0.0.1';

/** The user settings every test window starts with: quiet, offline, no first-run chrome. */
export const BASE_SETTINGS = {
  'workbench.colorTheme': 'Default Dark Modern',
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'security.workspace.trust.enabled': false,
  'chat.disableAIFeatures': true,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'git.openRepositoryInParentFolders': 'never',
};

/** Installs a VSIX into `extensionsDir` and returns the installed extension's folder. */
export function installVsix(vsix, extensionsDir) {
  mkdirSync(extensionsDir, { recursive: true });
  const scratch = mkdtempSync(join(tmpdir(), 'locooperator-vsix-'));
  try {
    const install = spawnSync(
      nodeBin,
      [codeServerEntry, '--config', join(scratch, 'config.yaml'), '--user-data-dir', scratch, '--extensions-dir', extensionsDir, '--install-extension', vsix],
      { env: serverEnv(scratch), encoding: 'utf8' },
    );
    if (install.status !== 0) throw new Error(`installing ${vsix} failed:\n${install.stdout}${install.stderr}`);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return extensionFolder(extensionsDir);
}

/** Makes a development folder (package.json + dist/) an installed extension by linking it. */
export function linkExtension(folder, extensionsDir) {
  const manifest = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8'));
  mkdirSync(extensionsDir, { recursive: true });
  const link = join(extensionsDir, `${manifest.publisher}.${manifest.name}-${manifest.version}`);
  symlinkSync(resolve(folder), link, 'dir');
  return link;
}

/** Workspace Trust as a desktop VS Code has it, without the prompt: a folder nobody trusted yet opens in Restricted Mode. */
const RESTRICTED_MODE_SETTINGS = {
  'security.workspace.trust.enabled': true,
  'security.workspace.trust.startupPrompt': 'never',
};

/**
 * @param {{ workspace: string, extensionsDir?: string, smokeTestDriver?: boolean, workspaceTrust?: boolean, settings?: Record<string, unknown>, logFile?: string }} options
 *   `workspace` is the folder the window opens, or a `.code-workspace` file (give it a fresh copy: tests may change it);
 *   `extensionsDir` (from installVsix or linkExtension) is shared read-only, else a private empty one;
 *   `workspaceTrust` turns Workspace Trust on (it is off in other tests), so the folder opens untrusted.
 */
export async function startCodeServer({ workspace, extensionsDir, smokeTestDriver = false, workspaceTrust = false, settings = {}, logFile }) {
  const root = mkdtempSync(join(tmpdir(), 'locooperator-vscode-'));
  const dirs = {
    userData: join(root, 'user-data'),
    extensions: extensionsDir ?? join(root, 'extensions'),
    tmp: join(root, 'tmp'),
  };
  for (const dir of Object.values(dirs)) mkdirSync(dir, { recursive: true });
  const settingsFile = join(dirs.userData, 'User', 'settings.json');
  mkdirSync(join(dirs.userData, 'User'), { recursive: true });
  writeFileSync(settingsFile, JSON.stringify({ ...BASE_SETTINGS, ...(workspaceTrust ? RESTRICTED_MODE_SETTINGS : {}), ...settings }, null, 2));

  const port = await freePort();
  const configFile = join(root, 'config.yaml');
  writeFileSync(configFile, `bind-addr: ${HOST}:${port}\nauth: none\ncert: false\n`);
  const commonArgs = ['--config', configFile, '--user-data-dir', dirs.userData, '--extensions-dir', dirs.extensions];
  const env = serverEnv(dirs.tmp);

  const log = createWriteStream(logFile ?? join(root, 'code-server.log'));
  const args = [
    codeServerEntry,
    ...commonArgs,
    '--bind-addr', `${HOST}:${port}`,
    '--auth', 'none',
    '--disable-telemetry',
    '--disable-update-check',
    ...(workspaceTrust ? [] : ['--disable-workspace-trust']),
    '--disable-getting-started-override',
    '--ignore-last-opened',
    ...(smokeTestDriver ? ['--vscode-option', 'enable-smoke-test-driver'] : []),
  ];
  // Its own process group, so that stop() reaches the extension host and the watchers it forks.
  const child = spawn(nodeBin, args, { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  const exited = new Promise((onExit) => child.once('exit', onExit));
  running.set(child.pid, root);

  const origin = `http://${HOST}:${port}`;
  const server = {
    origin,
    port,
    root,
    settingsFile,
    workspace,
    extensionsDir: dirs.extensions,
    /** The workbench URL for the workspace; `payload` entries are passed through to VS Code. */
    workbenchUrl(payload) {
      const url = new URL('/', origin);
      // A .code-workspace file opens as a (multi-root) workspace, anything else as a folder.
      url.searchParams.set(workspace.endsWith('.code-workspace') ? 'workspace' : 'folder', workspace);
      if (payload) url.searchParams.set('payload', JSON.stringify(payload));
      return url.href;
    },
    /** A path on the server as the workbench names it (for extensionDevelopmentPath and the like). */
    remoteUri(path) {
      return `vscode-remote://${HOST}:${port}${path}`;
    },
    async stop({ keep = false } = {}) {
      if (child.exitCode === null && child.signalCode === null) {
        signalGroup(child.pid, 'SIGTERM');
        const done = await Promise.race([exited.then(() => true), sleep(5000).then(() => false)]);
        if (!done) signalGroup(child.pid, 'SIGKILL');
      }
      // Children that outlived the server (the extension host winds down on its own schedule).
      signalGroup(child.pid, 'SIGKILL');
      running.delete(child.pid);
      log.end();
      if (!keep) rmSync(root, { recursive: true, force: true });
    },
  };

  try {
    await waitForHealth(origin, exited);
  } catch (error) {
    await server.stop({ keep: true });
    throw new Error(`${error.message} (log: ${logFile ?? join(root, 'code-server.log')})`);
  }
  return server;
}

// A detached server outlives its runner unless stopped; a runner that exits early (a test that
// forgot stop(), Ctrl-C, a crash) still takes its servers and their folders down with it.
const running = new Map();
process.once('exit', () => {
  for (const [pid, root] of running) {
    signalGroup(pid, 'SIGKILL');
    rmSync(root, { recursive: true, force: true });
  }
});
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => process.exit(signal === 'SIGINT' ? 130 : 143));
}

function serverEnv(privateTmp) {
  const env = {};
  // A test started from a VS Code terminal must not talk to that VS Code.
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('VSCODE_') && key !== 'ELECTRON_RUN_AS_NODE') env[key] = value;
  }
  // No marketplace: this machine is offline, and tests must not depend on one.
  return { ...env, TMPDIR: privateTmp, EXTENSIONS_GALLERY: '{}' };
}

function extensionFolder(extensionsDir) {
  const folders = readdirSync(extensionsDir, { withFileTypes: true }).filter((entry) => entry.isDirectory());
  if (folders.length !== 1) throw new Error(`expected one installed extension, found: ${folders.map((f) => f.name).join(', ')}`);
  return join(extensionsDir, folders[0].name);
}

async function freePort() {
  const probe = createServer();
  await new Promise((resolve, reject) => probe.once('error', reject).listen(0, HOST, resolve));
  const { port } = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

async function waitForHealth(origin, exited, timeoutMs = 60_000) {
  let serverExited = false;
  exited.then(() => (serverExited = true));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (serverExited) throw new Error('code-server exited before it became healthy');
    try {
      const response = await fetch(`${origin}/healthz`);
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await sleep(200);
  }
  throw new Error(`code-server did not answer ${origin}/healthz within ${timeoutMs / 1000} s`);
}

function signalGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is already gone.
  }
}
