// Starts code-server (VS Code in a browser) on loopback with private state, installs a VSIX into
// it, and stops it with everything it spawned. Nothing it writes lands in the user's own
// code-server profile: config, user data, extensions and TMPDIR are in one temporary folder.
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

/**
 * @param {{ workspace: string, vsix?: string, smokeTestDriver?: boolean, settings?: Record<string, unknown>, logFile?: string }} options
 *   `workspace` is copied into the server's private folder so tests never touch the original.
 */
export async function startCodeServer({ workspace, vsix, smokeTestDriver = false, settings = {}, logFile }) {
  const root = mkdtempSync(join(tmpdir(), 'locooperator-vscode-'));
  const dirs = {
    userData: join(root, 'user-data'),
    extensions: join(root, 'extensions'),
    tmp: join(root, 'tmp'),
    workspace: join(root, 'workspace'),
  };
  for (const dir of Object.values(dirs)) mkdirSync(dir, { recursive: true });
  cpSync(workspace, dirs.workspace, { recursive: true });
  const settingsFile = join(dirs.userData, 'User', 'settings.json');
  mkdirSync(join(dirs.userData, 'User'), { recursive: true });
  writeFileSync(settingsFile, JSON.stringify({ ...BASE_SETTINGS, ...settings }, null, 2));

  const port = await freePort();
  const configFile = join(root, 'config.yaml');
  writeFileSync(configFile, `bind-addr: ${HOST}:${port}\nauth: none\ncert: false\n`);
  const commonArgs = ['--config', configFile, '--user-data-dir', dirs.userData, '--extensions-dir', dirs.extensions];
  const env = serverEnv(dirs.tmp);

  let extensionDir;
  if (vsix) {
    const install = spawnSync(nodeBin, [codeServerEntry, ...commonArgs, '--install-extension', vsix], {
      env,
      encoding: 'utf8',
    });
    if (install.status !== 0) {
      rmSync(root, { recursive: true, force: true });
      throw new Error(`installing ${vsix} failed:\n${install.stdout}${install.stderr}`);
    }
    extensionDir = installedExtensionDir(dirs.extensions);
  }

  const log = createWriteStream(logFile ?? join(root, 'code-server.log'));
  const args = [
    codeServerEntry,
    ...commonArgs,
    '--bind-addr', `${HOST}:${port}`,
    '--auth', 'none',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--ignore-last-opened',
    ...(smokeTestDriver ? ['--vscode-option', 'enable-smoke-test-driver'] : []),
  ];
  // Its own process group, so that stop() reaches the extension host and the watchers it forks.
  const child = spawn(nodeBin, args, { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  const exited = new Promise((resolve) => child.once('exit', resolve));

  const origin = `http://${HOST}:${port}`;
  const server = {
    origin,
    port,
    root,
    settingsFile,
    workspace: dirs.workspace,
    extensionsDir: dirs.extensions,
    /** The installed VSIX's folder, when one was installed. */
    extensionDir,
    /** The workbench URL for the private workspace copy; `payload` entries are passed through to VS Code. */
    workbenchUrl(payload) {
      const url = new URL('/', origin);
      url.searchParams.set('folder', dirs.workspace);
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

function serverEnv(privateTmp) {
  const env = {};
  // A test started from a VS Code terminal must not talk to that VS Code.
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('VSCODE_') && key !== 'ELECTRON_RUN_AS_NODE') env[key] = value;
  }
  // No marketplace: this machine is offline, and tests must not depend on one.
  return { ...env, TMPDIR: privateTmp, EXTENSIONS_GALLERY: '{}' };
}

function installedExtensionDir(extensionsDir) {
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
