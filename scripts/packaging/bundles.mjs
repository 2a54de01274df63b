// The production bundles the packages ship, built into a folder per package so that packaging
// never rewrites the dist/ that tests and a development window run from, and two packaging runs
// (the VSIXs and the npm package, as their tests start them side by side) never share one.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { repoRoot } from './targets.mjs';

/** Builds the minified bundles into out/package/`packageName`-dist and returns that folder. */
export function buildProductionBundles(packageName) {
  const dir = join(repoRoot, 'out', 'package', `${packageName}-dist`);
  // A bundle that the build no longer writes must not ship from an earlier run.
  rmSync(dir, { recursive: true, force: true });
  run(process.execPath, [join(repoRoot, 'scripts', 'build.mjs'), '--production', '--outdir', dir], repoRoot);
  return dir;
}

/** Runs a packaging step with its output shown; a failing step ends the script with its status. */
export function run(command, args, cwd, options = {}) {
  const result = spawnSync(command, args, { cwd, stdio: 'inherit', ...options });
  if (result.status !== 0) {
    console.error(`[package] ${basename(args[0] ?? command)} ${args[1] ?? ''} failed (exit ${result.status ?? result.signal})`);
    process.exit(1);
  }
}
