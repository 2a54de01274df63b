// Builds the bundles the product runs: the extension host (with the agent runtime it loads on
// the first question), the Bash tool's worker thread, the model host, the CLI, and the webview.
// Production builds are minified; `--watch` rebuilds on change; `--outdir DIR` writes the bundles
// to DIR instead of dist/ (packaging builds there, so that it never rewrites the dist/ that tests
// and a development window run from).
import * as esbuild from 'esbuild';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { commonJsNodeBundle, esmRequireBanner } from './nodeBundle.mjs';

const { values } = parseArgs({
  options: { watch: { type: 'boolean' }, production: { type: 'boolean' }, outdir: { type: 'string', default: 'dist' } },
});
const { watch = false, production = false, outdir } = values;

const nodeCommon = { ...commonJsNodeBundle, sourcemap: !production, minify: production };

const targets = [
  // The agent and its tools load on the first question from a bundle of their own: CommonJS output
  // cannot split off a dynamic import, and inlined they would make activation load them too.
  {
    ...nodeCommon,
    entryPoints: ['src/extension.ts'],
    outfile: join(outdir, 'extension.js'),
    external: [...nodeCommon.external, './agentRuntime.js', './mcpRuntime.js'],
  },
  { entryPoints: ['src/agentRuntime.ts'], outfile: join(outdir, 'agentRuntime.js'), ...nodeCommon },
  // The MCP SDK loads only when VS Code starts the extension's MCP server.
  { entryPoints: ['src/mcpRuntime.ts'], outfile: join(outdir, 'mcpRuntime.js'), ...nodeCommon },
  // The Bash tool's gate and simulated shell run in a worker thread, off the host's event loop;
  // the agent runtime and the CLI start it from beside themselves in dist/.
  { entryPoints: ['src/tools/bash/worker/main.ts'], outfile: join(outdir, 'bashWorker.js'), ...nodeCommon },
  { entryPoints: ['src/cli/main.ts'], outfile: join(outdir, 'cli.js'), ...nodeCommon },
  {
    entryPoints: ['src/model/host/main.ts'],
    outfile: join(outdir, 'model-host.mjs'),
    ...nodeCommon,
    // ESM so that node-llama-cpp (ESM-only) loads with a real import.
    format: 'esm',
    define: {},
    banner: esmRequireBanner,
  },
  {
    entryPoints: ['webview/src/main.tsx'],
    outfile: join(outdir, 'webview.js'),
    bundle: true,
    platform: 'browser',
    target: 'es2022',
    format: 'iife',
    sourcemap: !production,
    minify: production,
    logLevel: 'warning',
    loader: { '.ttf': 'file' },
  },
].filter((options) => existsSync(options.entryPoints[0]));

if (watch) {
  for (const options of targets) await (await esbuild.context(options)).watch();
} else {
  await Promise.all(targets.map((options) => esbuild.build(options)));
}
