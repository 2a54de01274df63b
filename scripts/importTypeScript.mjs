// Benchmarks are plain node scripts, and node cannot import the project's TypeScript: this
// bundles the given re-exports into an ES module inside the project (so that dependencies
// resolve from node_modules as the product's do) and imports it.
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';

export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** `exports` are lines like `export { runAgent } from './src/agent/loop';`; `name` names the bundle. */
export async function importTypeScript(name, exports) {
  const outfile = path.join(projectRoot, '.cache', 'bench', `${name}.mjs`);
  await esbuild.build({
    stdin: { contents: exports.join('\n'), resolveDir: projectRoot, loader: 'ts' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    outfile,
    logLevel: 'warning',
  });
  return import(pathToFileURL(outfile).href);
}
