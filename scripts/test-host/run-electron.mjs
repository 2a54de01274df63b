// `npm run test:electron`: the in-extension-host suite on VS Code desktop (Electron), through
// @vscode/test-electron, which downloads VS Code first; for machines that can reach the VS Code
// download site. Offline, use `npm run test:vscode` (code-server), which runs the same suite.
import { runTests } from '@vscode/test-electron';
import { buildIntegrationSuite, integrationEntry } from './buildIntegration.mjs';
import { makeFixtureWorkspace } from './fixture.mjs';
import { repoRoot } from './hostPaths.mjs';

await buildIntegrationSuite();
const workspace = await makeFixtureWorkspace();
try {
  await runTests({
    extensionDevelopmentPath: repoRoot,
    extensionTestsPath: integrationEntry,
    launchArgs: [workspace.root, '--disable-extensions', '--disable-workspace-trust'],
  });
} catch (error) {
  console.error(`[test:electron] ${error instanceof Error ? error.message : error}`);
  process.exitCode = 1;
} finally {
  await workspace.cleanup();
}
