// Packages the extension as platform-specific VSIXs that hold only what runs:
//
//   node scripts/package.mjs [--target T | --all] [--out FILE]
//
// T is one of linux-x64, linux-arm64, darwin-arm64, darwin-x64, win32-x64, win32-arm64 (default:
// this machine's); --all builds the six. Each VSIX is written to
// out/vsix/locooperator-T-VERSION.vsix (or FILE for one target). It holds the production bundles,
// icons, the model catalog, the manifest, README, CHANGELOG and LICENSE, plus the runtime modules
// the extension's bundles load from node_modules: node-llama-cpp (bundled in place with its
// dependencies into two files, scripts/packaging/llamaBundle.mjs) with T's prebuilt binaries, and
// T's ripgrep. package-lock.json says which packages T runs and at which version; each one comes
// from node_modules when npm installed it here, else from the npm registry, checked against the
// lockfile's integrity hash and cached outside the clone (scripts/packaging/registryPackage.mjs).
// They are staged in out/package/vsix-T (exactly the dependency closure, other platforms left out),
// node-llama-cpp is bundled there and the packages its bundle holds are removed, and
// `vsce package --target T` runs there, so its own `npm list` sees nothing else.
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { parseArgs } from 'node:util';
import { buildProductionBundles, run } from './packaging/bundles.mjs';
import { registryPackage } from './packaging/registryPackage.mjs';
import { bundleNodeLlamaCpp } from './packaging/llamaBundle.mjs';
import { BUILD_ONLY_MODULES, RUNTIME_MODULES, lockfileClosure, packageName, runtimeClosure } from './packaging/runtimeClosure.mjs';
import { TARGETS, downloadCache, hostTarget, repoRoot, vsixPath } from './packaging/targets.mjs';

// Files inside runtime modules that nothing loads at run time: what node-llama-cpp needs only to
// build from source (llama.cpp's source bundle, the addon's C++ sources, CMake files, toolchains,
// patches) or to link against its addon (Windows import libraries), TypeScript sources and type
// declarations, source maps, and documentation other than licence texts.
const SKIPPED_FILES = [
  /^node-llama-cpp\/llama\/(gitRelease\.bundle|CMakeLists\.txt|\.clang-format|(addon|cmake|patches|profiles|toolchains|xpack)\/.*)$/,
  /^@node-llama-cpp\/[^/]+\/bins\/.*\.lib$/,
  /\.[cm]?tsx?$/,
  /\.map$/,
  /\/(?!licen[cs]e|notice)[^/]*\.md$/i,
];

const LLAMA = 'node-llama-cpp';

// What the VSIX holds besides dist/ and node_modules/.
const SHIPPED_FILES = ['README.md', 'CHANGELOG.md', 'LICENSE', '.vscodeignore', 'models/catalog.json'];

const { values } = parseArgs({
  options: { target: { type: 'string' }, all: { type: 'boolean' }, out: { type: 'string' } },
});
const targets = values.all ? Object.keys(TARGETS) : [values.target ?? hostTarget()];
for (const target of targets) {
  if (!TARGETS[target]) throw new Error(`unknown target ${target}; known: ${Object.keys(TARGETS).join(', ')}`);
}
if (values.out && targets.length > 1) throw new Error('--out names the file of one target');

const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
const lockfile = JSON.parse(readFileSync(join(repoRoot, 'package-lock.json'), 'utf8'));

const productionBundles = buildProductionBundles('vsix');

const written = [];
for (const target of targets) written.push(await packageTarget(target));
const megabytes = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
console.log('');
for (const file of written) console.log(`${relative(repoRoot, file)}: ${megabytes(statSync(file).size)}`);

/** Stages and packages one target; returns the VSIX's path. */
async function packageTarget(target) {
  const staging = join(repoRoot, 'out', 'package', `vsix-${target}`);
  const vsixFile = values.out ? resolve(values.out) : vsixPath(manifest.name, manifest.version, target);
  console.log(`\n[package] ${target}`);

  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  // The CLI is the npm package's entry point, not the extension's.
  cpSync(productionBundles, join(staging, 'dist'), { recursive: true, filter: (path) => basename(path) !== 'cli.js' });
  cpSync(join(repoRoot, 'media'), join(staging, 'media'), { recursive: true });
  for (const file of SHIPPED_FILES) {
    if (!existsSync(join(repoRoot, file))) throw new Error(`${file} is missing`);
    mkdirSync(dirname(join(staging, file)), { recursive: true });
    cpSync(join(repoRoot, file), join(staging, file));
  }

  const modules = runtimeClosure(lockfile, target);
  for (const module of modules) {
    const from = installedCopy(module) ?? registryPackage(module, downloadCache);
    cpSync(from, join(staging, module.path), {
      recursive: true,
      filter: (path) => {
        const inModule = relative(from, path);
        // Nested node_modules are copied as closure members of their own, or not at all.
        if (inModule.split(sep).includes('node_modules')) return false;
        const name = [module.name, ...inModule.split(sep)].filter(Boolean).join('/');
        return !SKIPPED_FILES.some((pattern) => pattern.test(name));
      },
    });
    // Staged modules no longer list the build-only dependencies left out, so that vsce's
    // `npm list` finds nothing missing.
    const file = join(staging, module.path, 'package.json');
    const pkg = JSON.parse(readFileSync(file, 'utf8'));
    const listed = BUILD_ONLY_MODULES.filter((name) => pkg.dependencies?.[name]);
    for (const name of listed) delete pkg.dependencies[name];
    if (listed.length > 0) writeFileSync(file, `${JSON.stringify(pkg, null, 2)}\n`);
  }

  await bundleStagedLlama(staging, target, modules);

  // The staged manifest lists only the staged dependencies, so that vsce's `npm list` agrees.
  const { scripts: _scripts, devDependencies: _dev, overrides: _overrides, ...shipped } = manifest;
  shipped.dependencies = Object.fromEntries(RUNTIME_MODULES.map((name) => [name, manifest.dependencies[name]]));
  writeFileSync(join(staging, 'package.json'), `${JSON.stringify(shipped, null, 2)}\n`);

  mkdirSync(dirname(vsixFile), { recursive: true });
  run(
    process.execPath,
    [join(repoRoot, 'node_modules', '@vscode', 'vsce', 'vsce'), 'package', '--target', target, '--out', vsixFile],
    staging,
  );
  return vsixFile;
}

/**
 * Turns the staged node-llama-cpp and the packages it imports into two files
 * (scripts/packaging/llamaBundle.mjs) and removes the staged packages nothing loads any more: of
 * its dependencies only those the bundle loads from files stay, with what they need.
 */
async function bundleStagedLlama(staging, target, modules) {
  const bundle = await bundleNodeLlamaCpp(staging);
  const otherRoots = RUNTIME_MODULES.filter((name) => name !== LLAMA).map((name) => `node_modules/${name}`);
  const loadedFromFiles = new Set(lockfileClosure(lockfile, target, [...otherRoots, ...bundle.loaded]).map((module) => module.path));
  for (const module of modules) {
    if (module.name !== LLAMA && !loadedFromFiles.has(module.path)) rmSync(join(staging, module.path), { recursive: true, force: true });
  }
  for (const path of loadedFromFiles) {
    if (!existsSync(join(staging, path, 'package.json'))) throw new Error(`${path} was removed with a bundled package that held it`);
  }
  // Its manifest lists as dependencies what the bundle loads from files, so that vsce's `npm list`
  // takes exactly those; the platform builds stay optional dependencies as published.
  const file = join(staging, 'node_modules', LLAMA, 'package.json');
  const llama = JSON.parse(readFileSync(file, 'utf8'));
  llama.dependencies = Object.fromEntries(
    bundle.loaded
      .filter((path) => !(packageName(path) in (llama.optionalDependencies ?? {})))
      .map((path) => [packageName(path), lockfile.packages[path].version]),
  );
  writeFileSync(file, `${JSON.stringify(llama, null, 2)}\n`);
}

/** The module's folder in this checkout's node_modules when npm installed that very version there. */
function installedCopy(module) {
  const dir = join(repoRoot, module.path);
  const file = join(dir, 'package.json');
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, 'utf8')).version === module.version ? dir : undefined;
}
