// node-llama-cpp is ESM spread over some 280 files and pulls in about seventy packages more; shipped
// as installed, a VSIX holds over 700 JavaScript files that VS Code reads one by one. This bundles
// it inside a staged VSIX (scripts/package.mjs) into two files at the paths of the modules they
// start from, so that `import('node-llama-cpp')` resolves as before and each of its lookups still
// lands where the package keeps the file:
//
// - every bundled module keeps its own `import.meta.url` (the URL its file had in the package), so
//   its file-relative paths are unchanged: config.js finds llama/ beside dist/, getModuleVersion.js
//   reads the package's package.json (the prebuilt binaries are used only at that exact version);
// - testBindingBinary.js is bundled on its own at its own path, because node-llama-cpp forks that
//   very file to try a prebuilt binary in a child process before it loads it (on Linux always);
// - the packages that find native binaries beside themselves (@node-llama-cpp/* with llama.cpp,
//   @reflink/* for the downloader's copy) are not bundled: they stay files, loaded from the
//   bundle's folder as Node resolves them there;
// - nothing is taken from outside the staged packages: an import the VSIX could not resolve at run
//   time (an optional require such as debug's supports-color, electron) stays an import that fails
//   the same way.
//
// A bundled module of another package that locates files relative to itself would look beside a
// file the VSIX no longer holds, so it stops the build instead, naming the file to review.
import * as esbuild from 'esbuild';
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { isBuiltin } from 'node:module';
import { dirname, join, posix, relative, sep } from 'node:path';
import { esmRequireBanner } from '../nodeBundle.mjs';

/** The modules bundled, each into a file at its own path in the package. */
export const LLAMA_BUNDLE_ENTRIES = ['dist/index.js', 'dist/bindings/utils/testBindingBinary.js'];

/** Where the bundle lists the licences of the packages it holds. */
export const LLAMA_BUNDLE_LICENSES = 'dist/licenses.txt';

/** Packages left as files: their loaders find native binaries relative to their own folder. */
const LOADED_AS_FILES = [/^@node-llama-cpp\//, /^@reflink\//];

// What makes a module's behaviour depend on where its file lies.
const FILE_RELATIVE = /\bimport\.meta\b|\b__dirname\b|\b__filename\b|\brequire\.resolve\b/;

/**
 * Replaces node-llama-cpp's dist/ in `staging` (a folder with node_modules/ laid out as installed)
 * with its bundle. Returns the lockfile paths (`node_modules/@reflink/reflink`) of the staged
 * packages the bundle loads from files at run time, and those of the packages it now holds.
 */
export async function bundleNodeLlamaCpp(staging) {
  const packageDir = join(staging, 'node_modules', 'node-llama-cpp');
  const loaded = new Set();
  const outputs = [];
  const inputs = new Set();
  for (const entry of LLAMA_BUNDLE_ENTRIES) {
    const outfile = join(packageDir, entry);
    const result = await esbuild.build({
      entryPoints: [outfile],
      outfile,
      write: false,
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'esm',
      // Error names and messages that name classes stay as the package wrote them.
      keepNames: true,
      metafile: true,
      absWorkingDir: staging,
      banner: esmRequireBanner,
      plugins: [stagedModules(staging, packageDir, outfile, loaded)],
      logLevel: 'warning',
    });
    outputs.push(...result.outputFiles);
    for (const input of Object.keys(result.metafile.inputs)) inputs.add(join(staging, input));
  }
  rmSync(join(packageDir, 'dist'), { recursive: true, force: true });
  for (const output of outputs) {
    mkdirSync(dirname(output.path), { recursive: true });
    writeFileSync(output.path, output.contents);
  }
  const bundled = [...new Set([...inputs].map((input) => packageFolder(staging, input)))].filter((folder) => folder !== 'node_modules/node-llama-cpp').sort();
  writeFileSync(join(packageDir, LLAMA_BUNDLE_LICENSES), licences(staging, bundled));
  return { loaded: [...loaded].sort(), bundled };
}

/** The esbuild plugin that resolves only within `staging` and keeps each module's own URL. */
function stagedModules(staging, packageDir, outfile, loaded) {
  const inside = (file) => file.startsWith(staging + sep);
  return {
    name: 'staged-modules',
    setup(build) {
      build.onResolve({ filter: /^[^./]/ }, async (args) => {
        if (args.pluginData === 'resolving') return undefined;
        if (isBuiltin(args.path)) return { path: args.path, external: true };
        const keptAsFiles = LOADED_AS_FILES.some((pattern) => pattern.test(args.path));
        // A package left as a file is found at run time from the bundle's folder, not the importer's.
        const resolveDir = keptAsFiles ? dirname(outfile) : args.resolveDir;
        const found = await build.resolve(args.path, { kind: args.kind, resolveDir, importer: args.importer, pluginData: 'resolving' });
        // Absent from the staged packages (another platform's build, an optional require): the
        // installed VSIX cannot resolve it either, so it stays an import that fails there.
        if (found.errors.length > 0 || !inside(found.path)) return { path: args.path, external: true };
        if (keptAsFiles) {
          loaded.add(packageFolder(staging, found.path));
          return { path: args.path, external: true };
        }
        return { path: found.path, sideEffects: found.sideEffects };
      });
      build.onLoad({ filter: /\.[cm]?js$/ }, async (args) => {
        const source = await readFile(args.path, 'utf8');
        if (!FILE_RELATIVE.test(source)) return undefined;
        const file = relative(staging, args.path);
        if (!args.path.startsWith(packageDir + sep)) {
          throw new Error(`${file} locates files relative to itself, and the bundle would move it away from them: review it before bundling`);
        }
        if (/\bimport\.meta\b(?!\.url\b)/.test(source)) throw new Error(`${file} uses import.meta beyond .url, which the bundle does not carry over`);
        const url = relative(dirname(outfile), args.path).split(sep).join('/');
        const ownUrl = `new URL(${JSON.stringify(url.startsWith('.') ? url : `./${url}`)}, import.meta.url).href`;
        return { contents: source.replaceAll(/\bimport\.meta\.url\b/g, ownUrl), loader: 'js' };
      });
    },
  };
}

/** The lockfile path of the installed package that holds `file`: `node_modules/a/node_modules/@s/b`. */
function packageFolder(staging, file) {
  const parts = relative(staging, file).split(sep);
  const last = parts.lastIndexOf('node_modules');
  if (last < 0) throw new Error(`${file} is not inside a staged package`);
  return posix.join(...parts.slice(0, last + (parts[last + 1].startsWith('@') ? 3 : 2)));
}

/** Each bundled package's name, version and licence texts, as their own folders shipped them. */
function licences(staging, folders) {
  return folders
    .map((folder) => {
      const dir = join(staging, folder);
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      const texts = readdirSync(dir)
        .filter((name) => /^(licen[cs]e|copying|notice)/i.test(name))
        .sort()
        .map((name) => readFileSync(join(dir, name), 'utf8').trim());
      const heading = `${pkg.name}@${pkg.version}${pkg.license ? ` (${pkg.license})` : ''}`;
      return [heading, ...texts].join('\n\n');
    })
    .join(`\n\n${'-'.repeat(72)}\n\n`)
    .concat('\n');
}
