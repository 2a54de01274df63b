// The esbuild options of this project's Node bundles (CommonJS: the extension host, the agent
// runtime, the CLI, the Bash worker; ESM: the model host and node-llama-cpp's bundle), shared by the
// product build, packaging and the tests that bundle a process entry of their own, so that a test
// runs what the product ships.

/** Native and optional back-ends stay outside the bundle; node-llama-cpp loads only in the model host. */
export const NODE_EXTERNALS = ['vscode', 'node-llama-cpp', '@mongodb-js/zstd', 'node-liblzma'];

export const commonJsNodeBundle = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  external: NODE_EXTERNALS,
  // ESM-only dependencies locate files with import.meta.url; give the CommonJS bundle a real one.
  define: { 'import.meta.url': '__import_meta_url' },
  banner: { js: "const __import_meta_url = require('url').pathToFileURL(__filename).href;" },
  logLevel: 'warning',
};

/** Starts an ESM bundle: the CommonJS modules inside it require Node's own modules through this. */
export const esmRequireBanner = {
  js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
};
