// Packages the extension as a platform-specific VSIX that holds only what runs:
//
//   node scripts/package.mjs [--target linux-x64] [--out FILE]
//
// The bundles (dist/, built with --production), icons, the model catalog, the manifest, README
// and LICENSE, plus the runtime modules esbuild cannot bundle: node-llama-cpp with its
// dependencies and this platform's prebuilt binaries, and ripgrep's binary package. They are
// staged in out/vsix-TARGET (exactly the dependency closure, other platforms left out) and
// `vsce package` runs there, so its own `npm list` sees nothing else.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));

// Modules loaded from node_modules at run time (everything else is in the bundles).
const RUNTIME_MODULES = ['node-llama-cpp', '@vscode/ripgrep'];

// node-llama-cpp's prebuilt back-ends per VSIX target. CPU everywhere; Vulkan where it exists,
// since it drives NVIDIA, AMD and Intel GPUs alike. The CUDA builds (about 550 MB for Linux)
// would multiply the download for one vendor's GPUs; Vulkan already covers them.
const TARGETS = {
  'linux-x64': { os: 'linux', cpu: 'x64', libc: 'glibc', llama: ['linux-x64', 'linux-x64-vulkan'] },
  'linux-arm64': { os: 'linux', cpu: 'arm64', libc: 'glibc', llama: ['linux-arm64'] },
  'darwin-arm64': { os: 'darwin', cpu: 'arm64', llama: ['mac-arm64-metal'] },
  'darwin-x64': { os: 'darwin', cpu: 'x64', llama: ['mac-x64'] },
  'win32-x64': { os: 'win32', cpu: 'x64', llama: ['win-x64', 'win-x64-vulkan'] },
  'win32-arm64': { os: 'win32', cpu: 'arm64', llama: ['win-arm64'] },
};
const LLAMA_SCOPE = '@node-llama-cpp/';

// Dependencies of node-llama-cpp used only to build llama.cpp from source, which the model host
// never does (it asks for prebuilt binaries only); node-llama-cpp runs cmake-js as a separate
// process for such builds and never imports any of them.
const BUILD_ONLY_MODULES = ['cmake-js', 'node-addon-api', 'node-api-headers'];

// Files inside runtime modules that nothing loads at run time: what node-llama-cpp needs only to
// build from source (llama.cpp's source bundle, the addon's C++ sources, CMake files, toolchains,
// patches), TypeScript sources and type declarations, source maps, and documentation other than
// licence texts.
const SKIPPED_FILES = [
  /^node-llama-cpp\/llama\/(gitRelease\.bundle|CMakeLists\.txt|\.clang-format|(addon|cmake|patches|profiles|toolchains|xpack)\/.*)$/,
  /\.[cm]?tsx?$/,
  /\.map$/,
  /\/(?!licen[cs]e|notice)[^/]*\.md$/i,
];

const { values } = parseArgs({
  options: { target: { type: 'string', default: 'linux-x64' }, out: { type: 'string' } },
});
const target = values.target;
const platform = TARGETS[target];
if (!platform) throw new Error(`unknown target ${target}; known: ${Object.keys(TARGETS).join(', ')}`);

const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
const staging = join(repoRoot, 'out', `vsix-${target}`);
const vsixFile = values.out
  ? resolve(values.out)
  : join(repoRoot, `${manifest.name}-${target}-${manifest.version}.vsix`);

run(process.execPath, [join(repoRoot, 'scripts', 'build.mjs'), '--production'], repoRoot);

rmSync(staging, { recursive: true, force: true });
mkdirSync(staging, { recursive: true });
cpSync(join(repoRoot, 'dist'), join(staging, 'dist'), {
  recursive: true,
  // The CLI is the npm package's entry point, not the extension's.
  filter: (path) => !path.endsWith('.map') && basename(path) !== 'cli.js',
});
cpSync(join(repoRoot, 'media'), join(staging, 'media'), { recursive: true });
mkdirSync(join(staging, 'models'));
cpSync(join(repoRoot, 'models', 'catalog.json'), join(staging, 'models', 'catalog.json'));
for (const file of ['README.md', 'LICENSE', '.vscodeignore']) {
  if (existsSync(join(repoRoot, file))) cpSync(join(repoRoot, file), join(staging, file));
}

const modules = runtimeClosure();
for (const dir of modules) {
  const from = join(repoRoot, dir);
  cpSync(from, join(staging, dir), {
    recursive: true,
    filter: (path) => {
      const inModule = relative(from, path);
      // Nested node_modules are copied as closure members of their own, or not at all.
      if (inModule.split(sep).includes('node_modules')) return false;
      const name = relative(join(repoRoot, 'node_modules'), path).split(sep).join('/');
      return !SKIPPED_FILES.some((pattern) => pattern.test(name));
    },
  });
}

// Staged modules no longer list the build-only dependencies left out, so that vsce's `npm list`
// finds nothing missing.
for (const dir of modules) {
  const file = join(staging, dir, 'package.json');
  const pkg = JSON.parse(readFileSync(file, 'utf8'));
  const listed = BUILD_ONLY_MODULES.filter((name) => pkg.dependencies?.[name]);
  for (const name of listed) delete pkg.dependencies[name];
  if (listed.length > 0) writeFileSync(file, `${JSON.stringify(pkg, null, 2)}\n`);
}

// The staged manifest lists only the staged dependencies, so that vsce's `npm list` agrees.
const { scripts: _scripts, devDependencies: _dev, ...shipped } = manifest;
shipped.dependencies = Object.fromEntries(RUNTIME_MODULES.map((name) => [name, manifest.dependencies[name]]));
writeFileSync(join(staging, 'package.json'), `${JSON.stringify(shipped, null, 2)}\n`);

mkdirSync(dirname(vsixFile), { recursive: true });
run(
  process.execPath,
  [
    join(repoRoot, 'node_modules', '@vscode', 'vsce', 'vsce'),
    'package',
    '--target', target,
    '--out', vsixFile,
    // The repository field is the publisher's to add; packaging must not stop to ask.
    '--allow-missing-repository',
  ],
  staging,
);

const megabytes = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
console.log(`\n${relative(repoRoot, vsixFile)}: ${megabytes(statSync(vsixFile).size)} (${modules.length} runtime modules staged in ${relative(repoRoot, staging)})`);

/** node_modules folders (relative to the repository) needed at run time on the target platform. */
function runtimeClosure() {
  const found = new Set();
  const visit = (dir) => {
    if (found.has(dir)) return;
    const pkg = JSON.parse(readFileSync(join(repoRoot, dir, 'package.json'), 'utf8'));
    if (!runsOnTarget(pkg)) return;
    found.add(dir);
    const optional = pkg.optionalDependencies ?? {};
    for (const name of Object.keys({ ...pkg.dependencies, ...optional })) {
      if (BUILD_ONLY_MODULES.includes(name)) continue;
      const resolved = resolveModule(name, dir);
      if (resolved) visit(resolved);
      else if (!(name in optional)) throw new Error(`${pkg.name} needs ${name}, which is not installed`);
    }
  };
  for (const name of RUNTIME_MODULES) visit(join('node_modules', name));
  for (const variant of platform.llama) {
    if (!found.has(join('node_modules', `${LLAMA_SCOPE}${variant}`))) {
      throw new Error(`${LLAMA_SCOPE}${variant} is not installed: package ${target} on a ${target} machine after npm ci`);
    }
  }
  return [...found].sort();
}

function runsOnTarget(pkg) {
  if (pkg.name.startsWith(LLAMA_SCOPE)) return platform.llama.includes(pkg.name.slice(LLAMA_SCOPE.length));
  const allows = (list, value) => !list || list.includes(value) || (list.some((v) => v.startsWith('!')) && !list.includes(`!${value}`));
  return allows(pkg.os, platform.os) && allows(pkg.cpu, platform.cpu) && (!platform.libc || allows(pkg.libc, platform.libc));
}

// Node's lookup: the nearest node_modules/NAME walking up from the requiring module.
function resolveModule(name, fromDir) {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(repoRoot, candidate, 'package.json'))) return candidate;
    if (dir === '.') return undefined;
  }
}

function run(command, args, cwd) {
  const result = spawnSync(command, args, { cwd, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`[package] ${basename(args[0] ?? command)} ${args[1] ?? ''} failed (exit ${result.status ?? result.signal})`);
    process.exit(1);
  }
}
