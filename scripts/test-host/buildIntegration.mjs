// Compiles the in-VS-Code mocha suite (test/integration) to CommonJS under out/integration, the
// form an extension host loads. `vscode` comes from the host.
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { bundleTests } from './bundle.mjs';
import { repoRoot } from './hostPaths.mjs';

const sourceDir = join(repoRoot, 'test', 'integration');
export const integrationOutDir = join(repoRoot, 'out', 'integration');
export const integrationEntry = join(integrationOutDir, 'index');

export async function buildIntegrationSuite() {
  const entryPoints = readdirSync(sourceDir, { recursive: true, encoding: 'utf8' })
    .filter((name) => name === 'index.ts' || name.endsWith('.test.ts'))
    .map((name) => join(sourceDir, name));
  await bundleTests({ entryPoints, outdir: integrationOutDir, outbase: sourceDir, external: ['vscode'] });
  return entryPoints.map((file) => relative(repoRoot, file));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const built = await buildIntegrationSuite();
  console.log(`built ${built.length} file(s) into ${relative(repoRoot, integrationOutDir)}`);
}
