// `npm run test:vscode`: packages the VSIX, then runs the in-extension-host suite and the browser
// specs against that VSIX installed in code-server, so the tests see exactly what ships.
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { repoRoot } from './hostPaths.mjs';
import { ensureTestHost } from './install.mjs';
import { clearSummaries, readSummaries } from './summary.mjs';

const vsix = join(repoRoot, 'out', 'test-vscode', 'locooperator.vsix');
const here = join(repoRoot, 'scripts', 'test-host');
const steps = [
  ['package', [join(repoRoot, 'scripts', 'package.mjs'), '--out', vsix]],
  ['integration', [join(here, 'run-integration.mjs'), '--vsix', vsix]],
  ['e2e', [join(here, 'run-e2e.mjs'), '--vsix', vsix]],
];

const timings = [];
let failed = false;
ensureTestHost();
clearSummaries(['integration', 'e2e']);
for (const [name, args] of steps) {
  const started = Date.now();
  const result = spawnSync(process.execPath, args, { cwd: repoRoot, stdio: 'inherit' });
  timings.push(`${name} ${((Date.now() - started) / 1000).toFixed(1)} s${result.status === 0 ? '' : ' (failed)'}`);
  if (result.status !== 0) {
    failed = true;
    // Without a VSIX there is nothing to test; a failing suite does not stop the other one.
    if (name === 'package') break;
  }
}
if (!failed || timings.length > 1) {
  const size = (statSync(vsix, { throwIfNoEntry: false })?.size ?? 0) / 1024 / 1024;
  timings.push(`VSIX ${relative(repoRoot, vsix)} ${size.toFixed(1)} MB`);
}
console.log(`[test:vscode] ${timings.join(', ')}`);
const totals = readSummaries(['integration', 'e2e']);
if (totals) console.log(`vscode: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(failed ? 1 : 0);
