// The production bundles both packages ship, built into a folder of their own so that packaging
// never rewrites the dist/ that tests and a development window run from.
import { spawnSync } from 'node:child_process';
import { basename, join } from 'node:path';
import { repoRoot } from './targets.mjs';

export const productionBundles = join(repoRoot, 'out', 'package', 'dist');

/** Builds the minified bundles into `productionBundles`. */
export function buildProductionBundles() {
  run(process.execPath, [join(repoRoot, 'scripts', 'build.mjs'), '--production', '--outdir', productionBundles], repoRoot);
}

/** Runs a packaging step with its output shown; a failing step ends the script with its status. */
export function run(command, args, cwd, options = {}) {
  const result = spawnSync(command, args, { cwd, stdio: 'inherit', ...options });
  if (result.status !== 0) {
    console.error(`[package] ${basename(args[0] ?? command)} ${args[1] ?? ''} failed (exit ${result.status ?? result.signal})`);
    process.exit(1);
  }
}
