// Runs the mocha suite in test/integration inside a real VS Code extension host (code-server),
// the same suite @vscode/test-electron runs where VS Code can be downloaded.
//
//   node scripts/test-host/run-integration.mjs [--vsix FILE | --extension DIR]
//
// --vsix installs the packaged extension and tests exactly what ships; --extension (default: the
// repository, which needs `npm run build` first) tests a development folder. The window is opened
// with VS Code's smoke-test driver, without which the `payload` (extensionDevelopmentPath,
// extensionTestsPath) is silently ignored; the window's console and the suite's exit code come
// back through the driver's window.codeAutomationLog / window.codeAutomationExit hooks.
// LOCOOPERATOR_TEST_GREP=pattern runs only the matching tests.
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { format, parseArgs } from 'node:util';
import { launchChromium } from './chromium.mjs';
import { buildIntegrationSuite, integrationEntry } from './buildIntegration.mjs';
import { repoRoot, resultsDir } from './hostPaths.mjs';
import { writeSummary } from './summary.mjs';
import { ensureTestHost } from './install.mjs';
import { makeFixtureWorkspace } from './fixture.mjs';
import { installVsix, startCodeServer } from './server.mjs';

const SUITE_TIMEOUT_MS = 10 * 60_000;

const { values } = parseArgs({ options: { vsix: { type: 'string' }, extension: { type: 'string' } } });
const outDir = join(resultsDir, 'integration');
mkdirSync(outDir, { recursive: true });
// test/integration/index.ts writes the mocha report here (the extension host inherits the env).
const reportFile = join(outDir, 'report.txt');
rmSync(reportFile, { force: true });
process.env.LOCOOPERATOR_TEST_REPORT = reportFile;
const workbenchLogFile = join(outDir, 'workbench.log');
const workbenchLog = createWriteStream(workbenchLogFile);

const started = Date.now();
ensureTestHost();
await buildIntegrationSuite();
const extensionsDir = mkdtempSync(join(tmpdir(), 'locooperator-extensions-'));
process.once('exit', () => rmSync(extensionsDir, { recursive: true, force: true }));
const extensionPath = values.vsix
  ? installVsix(resolve(values.vsix), extensionsDir)
  : resolve(values.extension ?? repoRoot);
const workspace = await makeFixtureWorkspace();
const server = await startCodeServer({
  workspace: workspace.root,
  extensionsDir,
  smokeTestDriver: true,
  logFile: join(outDir, 'code-server.log'),
});
console.log(`[integration] code-server ${server.origin}, extension ${extensionPath}`);

// Print the report as the suite writes it, so a hung test shows where it hangs.
let printed = 0;
const printReport = () => {
  if (!existsSync(reportFile)) return;
  const text = readFileSync(reportFile, 'utf8');
  process.stdout.write(text.slice(printed));
  printed = text.length;
};
const reportTail = setInterval(printReport, 500);

let browser;
let exitCode = 1;
try {
  browser = await launchChromium();
  const { page } = browser;
  const finished = new Promise((resolveExit) => {
    page.exposeFunction('codeAutomationExit', (code) => resolveExit(Number(code)));
  });
  await page.exposeFunction('codeAutomationLog', (type, args) => {
    workbenchLog.write(`[${type}] ${format(...(Array.isArray(args) ? args : [args]))}\n`);
  });
  page.on('pageerror', (error) => workbenchLog.write(`[pageerror] ${error.stack ?? error.message}\n`));

  await page.goto(
    server.workbenchUrl([
      ['extensionDevelopmentPath', server.remoteUri(extensionPath)],
      ['extensionTestsPath', server.remoteUri(integrationEntry)],
    ]),
  );
  exitCode = await Promise.race([
    finished,
    new Promise((_, reject) =>
      setTimeout(() => reject(new Error(`the suite did not finish within ${SUITE_TIMEOUT_MS / 60_000} min`)), SUITE_TIMEOUT_MS),
    ),
  ]);
  await page.screenshot({ path: join(outDir, 'final.png') }).catch(() => {});
} catch (error) {
  console.error(`[integration] ${error.message}`);
  await browser?.page.screenshot({ path: join(outDir, 'failure.png') }).catch(() => {});
} finally {
  await browser?.close();
  await server.stop();
  await workspace.cleanup();
  await new Promise((done) => workbenchLog.end(done));
}

clearInterval(reportTail);
printReport();
const report = existsSync(reportFile) ? readFileSync(reportFile, 'utf8') : '';
const totals = /^(\d+) passed, (\d+) failed, (\d+) skipped$/m.exec(report);
if (totals) writeSummary('integration', { passed: +totals[1], failed: +totals[2], skipped: +totals[3] });
if (!report) {
  // The suite never ran (activation failed, the extension host crashed, a path was wrong).
  console.error(`[integration] no test report; the window's log ends with:`);
  console.error(readFileSync(workbenchLogFile, 'utf8').split('\n').slice(-40).join('\n'));
  if (exitCode === 0) exitCode = 1;
}
const seconds = ((Date.now() - started) / 1000).toFixed(1);
console.log(`[integration] exit ${exitCode} in ${seconds} s (artifacts: ${outDir})`);
process.exit(exitCode);
