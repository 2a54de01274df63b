// Compiles the in-VS-Code mocha suite (test/integration) to CommonJS under out/integration, the
// form an extension host loads. `vscode` comes from the host; mocha is loaded from node_modules
// (its CommonJS build) so that the suite and the loader share one mocha instance.
import * as esbuild from 'esbuild';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from './hostPaths.mjs';

const sourceDir = join(repoRoot, 'test', 'integration');
export const integrationOutDir = join(repoRoot, 'out', 'integration');
export const integrationEntry = join(integrationOutDir, 'index');

const mochaAsCommonJs = {
  name: 'mocha-cjs',
  setup(build) {
    build.onResolve({ filter: /^mocha$/ }, () => ({ path: 'mocha/lib/mocha.cjs', external: true }));
  },
};

export async function buildIntegrationSuite() {
  const entryPoints = readdirSync(sourceDir, { recursive: true, encoding: 'utf8' })
    .filter((name) => name === 'index.ts' || name.endsWith('.test.ts'))
    .map((name) => join(sourceDir, name));
  await esbuild.build({
    entryPoints,
    outdir: integrationOutDir,
    outbase: sourceDir,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: 'inline',
    logLevel: 'warning',
    external: ['vscode'],
    plugins: [mochaAsCommonJs],
  });
  return entryPoints.map((file) => relative(repoRoot, file));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const built = await buildIntegrationSuite();
  console.log(`built ${built.length} file(s) into ${relative(repoRoot, integrationOutDir)}`);
}
