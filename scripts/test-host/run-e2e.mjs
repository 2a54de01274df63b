// Runs the Playwright specs in test/e2e against VS Code in Debian's Chromium (code-server).
//
//   node scripts/test-host/run-e2e.mjs [--vsix FILE | --extension DIR] [SPEC_NAME_PART ...]
//
// --vsix installs the packaged extension once and every spec's window uses it; --extension
// (default: the repository, which needs `npm run build` first) links a development folder
// instead. Specs are bundled to out/e2e and run with mocha in this process; each opens its own
// window with test/e2e/support/workbench.ts. Screenshots and logs land in test-results/e2e.
// LOCOOPERATOR_TEST_GREP=pattern runs only the matching tests.
import Mocha from 'mocha';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { bundleTests } from './bundle.mjs';
import { repoRoot, resultsDir } from './hostPaths.mjs';
import { ensureTestHost } from './install.mjs';
import { installVsix, linkExtension } from './server.mjs';
import { writeSummary } from './summary.mjs';

const { values, positionals } = parseArgs({
  options: { vsix: { type: 'string' }, extension: { type: 'string' } },
  allowPositionals: true,
});
const sourceDir = join(repoRoot, 'test', 'e2e');
const outDir = join(repoRoot, 'out', 'e2e');
const started = Date.now();

ensureTestHost();
const specs = readdirSync(sourceDir, { recursive: true, encoding: 'utf8' })
  .filter((name) => name.endsWith('.spec.ts'))
  .filter((name) => positionals.length === 0 || positionals.some((part) => name.includes(part)))
  .sort();
if (specs.length === 0) throw new Error(`no spec in ${relative(repoRoot, sourceDir)} matches ${positionals.join(' ')}`);
await bundleTests({
  entryPoints: specs.map((name) => join(sourceDir, name)),
  outdir: outDir,
  outbase: sourceDir,
  external: ['playwright-core'],
});

const extensionsDir = mkdtempSync(join(tmpdir(), 'locooperator-extensions-'));
process.once('exit', () => rmSync(extensionsDir, { recursive: true, force: true }));
const extensionPath = values.vsix
  ? installVsix(resolve(values.vsix), extensionsDir)
  : linkExtension(resolve(values.extension ?? repoRoot), extensionsDir);
process.env.LOCOOPERATOR_E2E_EXTENSIONS_DIR = extensionsDir;
rmSync(join(resultsDir, 'e2e'), { recursive: true, force: true });
mkdirSync(join(resultsDir, 'e2e'), { recursive: true });
console.log(`[e2e] ${specs.length} spec file(s), extension ${extensionPath}`);

// A browser driving a whole workbench on a shared 2-core machine misses a beat now and then (a
// click racing a layout restore): each test gets one more try, and every retry is printed so
// that a test which needs it keeps being seen.
const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 180_000, reporter: 'spec', retries: 1 });
if (process.env.LOCOOPERATOR_TEST_GREP) mocha.grep(process.env.LOCOOPERATOR_TEST_GREP);
for (const name of specs) mocha.addFile(join(outDir, name.replace(/\.ts$/, '.js')));
const stats = await new Promise((done) => {
  const runner = mocha.run(() => done(runner.stats));
  runner.on('retry', (test, error) => console.log(`[e2e] retrying "${test.fullTitle()}" after: ${String(error?.message ?? error).split('\n')[0]}`));
});

writeSummary('e2e', { passed: stats.passes, failed: stats.failures, skipped: stats.pending });
console.log(`e2e: ${stats.passes} passed, ${stats.failures} failed, ${stats.pending} skipped`);
console.log(`[e2e] ${((Date.now() - started) / 1000).toFixed(1)} s (artifacts: ${join(resultsDir, 'e2e')})`);
process.exit(stats.failures > 0 || stats.passes === 0 ? 1 : 0);
