import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { LLAMA_BUNDLE_ENTRIES, LLAMA_BUNDLE_LICENSES, bundleNodeLlamaCpp } from '../../scripts/packaging/llamaBundle.mjs';

/**
 * node-llama-cpp's bundle on a small stand-in laid out as a staged VSIX: a package whose modules
 * find files relative to themselves, one it forks by its own path, a dependency to bundle and a
 * platform build to leave as files. The real package is bundled and run from an installed VSIX in
 * vsix.test.ts.
 */
let root: string;

afterEach(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

/** Writes `files` (path → text) under a new folder and returns the staging folder inside it. */
function stage(files: Record<string, string>): string {
  root = mkdtempSync(path.join(tmpdir(), 'loco-llama-bundle-'));
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), text);
  }
  return path.join(root, 'staging');
}

const manifest = (name: string, version: string, extra: object = {}) => JSON.stringify({ name, version, license: 'MIT', ...extra });

const LLAMA = 'staging/node_modules/node-llama-cpp';
const PACKAGE = {
  [`${LLAMA}/package.json`]: manifest('node-llama-cpp', '3.0.0', { type: 'module', exports: { '.': './dist/index.js' } }),
  [`${LLAMA}/LICENSE`]: 'node-llama-cpp licence',
  [`${LLAMA}/dist/index.js`]: [
    "export { version } from './utils/version.js';",
    "export { testFile } from './bindings/utils/testBindingBinary.js';",
    "import greeting from 'greeting';",
    'export const greet = greeting;',
    "export async function platformBuild() { try { return (await import('@node-llama-cpp/fake-os')).where; } catch { return null; } }",
  ].join('\n'),
  // As node-llama-cpp's getModuleVersion.js: the package's version, read two folders up.
  [`${LLAMA}/dist/utils/version.js`]: [
    "import { readFileSync } from 'node:fs';",
    "import path from 'node:path';",
    "import { fileURLToPath } from 'node:url';",
    'const __dirname = path.dirname(fileURLToPath(import.meta.url));',
    "export const version = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')).version;",
  ].join('\n'),
  [`${LLAMA}/dist/bindings/utils/testBindingBinary.js`]: "import { fileURLToPath } from 'node:url';\nexport const testFile = fileURLToPath(import.meta.url);",
  [`${LLAMA}/dist/unused.js`]: 'export const unused = 1;',
  'staging/node_modules/greeting/package.json': manifest('greeting', '1.0.0', { main: 'index.js' }),
  'staging/node_modules/greeting/LICENSE': 'greeting licence',
  'staging/node_modules/greeting/index.js': "module.exports = 'hello';",
  'staging/node_modules/@node-llama-cpp/fake-os/package.json': manifest('@node-llama-cpp/fake-os', '3.0.0', { type: 'module', exports: { '.': './dist/index.js' } }),
  'staging/node_modules/@node-llama-cpp/fake-os/dist/index.js': 'export const where = import.meta.url;',
};

describe('bundleNodeLlamaCpp', () => {
  it('leaves two bundles at the paths of the modules they start from, and the licences of what they hold', async () => {
    const staging = stage(PACKAGE);
    const result = await bundleNodeLlamaCpp(staging);
    expect(result).toEqual({ loaded: ['node_modules/@node-llama-cpp/fake-os'], bundled: ['node_modules/greeting'] });
    const dist = path.join(staging, 'node_modules/node-llama-cpp/dist');
    const files = readdirSync(dist, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile());
    expect(files.map((entry) => path.relative(path.dirname(dist), path.join(entry.parentPath, entry.name))).sort()).toEqual([...LLAMA_BUNDLE_ENTRIES, LLAMA_BUNDLE_LICENSES].sort());
    expect(readFileSync(path.join(staging, 'node_modules/node-llama-cpp', LLAMA_BUNDLE_LICENSES), 'utf8')).toBe('greeting@1.0.0 (MIT)\n\ngreeting licence\n');
  });

  it('keeps each module’s own URL, so that its file-relative lookups land where they did', async () => {
    const staging = stage(PACKAGE);
    await bundleNodeLlamaCpp(staging);
    // The bundled packages are gone; only what stays files can still be found.
    rmSync(path.join(staging, 'node_modules/greeting'), { recursive: true });
    const packageDir = path.join(staging, 'node_modules/node-llama-cpp');
    const llama = await import(pathToFileURL(path.join(packageDir, 'dist/index.js')).href);
    expect(llama.version).toBe('3.0.0');
    expect(llama.testFile).toBe(path.join(packageDir, 'dist/bindings/utils/testBindingBinary.js'));
    expect(llama.greet).toBe('hello');
    // The platform build stays a file of its own package, loaded from there.
    expect(await llama.platformBuild()).toBe(pathToFileURL(path.join(staging, 'node_modules/@node-llama-cpp/fake-os/dist/index.js')).href);
    // The file node-llama-cpp forks runs on its own and knows its own path.
    const forked = await import(pathToFileURL(path.join(packageDir, 'dist/bindings/utils/testBindingBinary.js')).href);
    expect(forked.testFile).toBe(llama.testFile);
  });

  it('refuses to bundle another package’s module that finds files relative to itself', async () => {
    const staging = stage({
      ...PACKAGE,
      'staging/node_modules/greeting/index.js': "module.exports = require('fs').readFileSync(__dirname + '/greeting.txt', 'utf8');",
    });
    await expect(bundleNodeLlamaCpp(staging)).rejects.toThrow('node_modules/greeting/index.js locates files relative to itself');
  });

  it('takes nothing from outside the staged packages: an optional import found only there stays an import', async () => {
    const staging = stage({
      ...PACKAGE,
      'staging/node_modules/greeting/index.js': "let colour = null; try { colour = require('colours'); } catch {} module.exports = colour ?? 'hello';",
      // Found by walking up from the staging folder, as the repository's own node_modules would be.
      'node_modules/colours/package.json': manifest('colours', '1.0.0', { main: 'index.js' }),
      'node_modules/colours/index.js': "module.exports = 'from outside the VSIX';",
    });
    await bundleNodeLlamaCpp(staging);
    const bundle = readFileSync(path.join(staging, 'node_modules/node-llama-cpp/dist/index.js'), 'utf8');
    expect(bundle).not.toContain('from outside the VSIX');
    expect(bundle).toContain('require("colours")');
  });
});
