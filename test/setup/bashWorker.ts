import * as esbuild from 'esbuild';
import { commonJsNodeBundle } from '../../scripts/nodeBundle.mjs';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Vitest global set-up: the Bash tool runs its shell in a worker thread started from a bundle,
 * and tests run from TypeScript sources with no dist/ beside them. This bundles the worker the
 * way scripts/build.mjs does, inside the project so that it resolves packages from its
 * node_modules, and names it in the variable the tool reads; test processes and the CLI
 * children they start inherit it.
 */
export default async function setup(): Promise<() => Promise<void>> {
  const dir = path.join(ROOT, 'node_modules', '.cache', 'locooperator-bash-worker', String(process.pid));
  await mkdir(dir, { recursive: true });
  const outfile = path.join(dir, 'bashWorker.js');
  await esbuild.build({ ...commonJsNodeBundle, entryPoints: [path.join(ROOT, 'src/tools/bash/worker/main.ts')], outfile });
  process.env.LOCOOPERATOR_BASH_WORKER = outfile;
  return () => rm(dir, { recursive: true, force: true });
}
