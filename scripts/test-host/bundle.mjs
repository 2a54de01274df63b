// esbuild settings shared by the test bundles (the in-VS-Code suite, the browser specs, the
// fixture helper the runners use).
import * as esbuild from 'esbuild';
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { pathToFileURL } from 'node:url';

// Test helpers (and the test host's own modules) find files relative to their source file; once bundled, keep
// `import.meta.url` naming that source file rather than the bundle.
const LOADERS = { '.ts': 'ts', '.tsx': 'tsx', '.mjs': 'js' };
const sourceFileUrl = {
  name: 'source-file-url',
  setup(build) {
    build.onLoad({ filter: /\.(ts|tsx|mjs)$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      if (!source.includes('import.meta.url')) return undefined;
      return {
        contents: source.replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href)),
        loader: LOADERS[extname(args.path)],
      };
    });
  },
};

// mocha's CommonJS build, so that a suite and its loader share one mocha instance.
const mochaAsCommonJs = {
  name: 'mocha-cjs',
  setup(build) {
    build.onResolve({ filter: /^mocha$/ }, () => ({ path: 'mocha/lib/mocha.cjs', external: true }));
  },
};

/** Bundles test entry points for Node; `external` modules are loaded from node_modules at run time. */
export async function bundleTests({ entryPoints, outdir, outbase, format = 'cjs', external = [] }) {
  await esbuild.build({
    entryPoints,
    outdir,
    outbase,
    outExtension: format === 'esm' ? { '.js': '.mjs' } : undefined,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format,
    sourcemap: 'inline',
    logLevel: 'warning',
    external,
    plugins: [sourceFileUrl, mochaAsCommonJs],
  });
}
