// Entry point that VS Code's extension host calls with `extensionTestsPath`: it runs every
// compiled `*.test.js` beside it with mocha. The same file serves code-server (scripts/test-host)
// and @vscode/test-electron, so the suite is identical wherever VS Code runs.
import Mocha from 'mocha';
import { appendFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { format } from 'node:util';

export async function run(): Promise<void> {
  // The browser-hosted window mixes the extension host's console with the workbench's own; a
  // runner that names a report file reads the suite's output from there instead.
  const reportFile = process.env.LOCOOPERATOR_TEST_REPORT;
  const report = (...data: unknown[]): void => {
    console.log(...data);
    if (reportFile) appendFileSync(reportFile, `${format(...data)}\n`);
  };
  Mocha.reporters.Base.consoleLog = report;

  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60_000, reporter: 'spec' });
  const grep = process.env.LOCOOPERATOR_TEST_GREP;
  if (grep) mocha.grep(grep);
  const files = readdirSync(__dirname, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.test.js'))
    .sort();
  for (const file of files) mocha.addFile(join(__dirname, file));

  const failures = await new Promise<number>((resolve) => {
    const runner = mocha.run(resolve);
    runner.on('end', () => {
      const { passes = 0, failures: failed = 0, pending = 0 } = runner.stats ?? {};
      report(`${passes} passed, ${failed} failed, ${pending} skipped`);
    });
  });
  if (failures > 0) throw new Error(`${failures} integration test(s) failed`);
}
