// Packages the headless CLI (`locooperator ask|mcp|tool|…`) as an npm package, so that any agent
// can start the MCP server with `npx -y locooperator mcp`:
//
//   node scripts/package-cli.mjs        → out/npm/locooperator-VERSION.tgz
//
// package.json is the extension's manifest (private, VS Code contributions, devDependencies), so
// the npm package gets a manifest of its own, generated here from the same name, version and
// links. It ships the CLI's production bundles and its launcher, and depends on the two modules
// the bundles leave out, node-llama-cpp and @vscode/ripgrep, at the exact versions of the
// extension: npm then installs the platform's prebuilt llama.cpp and ripgrep binaries from their
// optional packages, as it does for any of their users. The model is downloaded on first use.
// Publishing is `npm publish out/npm/locooperator-VERSION.tgz`, by the publisher.
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { buildProductionBundles, run } from './packaging/bundles.mjs';
import { RUNTIME_MODULES } from './packaging/runtimeClosure.mjs';
import { npmTarballPath, repoRoot } from './packaging/targets.mjs';

// The CLI's bundles: the CLI itself, the Bash tool's worker thread and the model host it forks.
const CLI_BUNDLES = ['cli.js', 'bashWorker.js', 'model-host.mjs'];

const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
const staging = join(repoRoot, 'out', 'package', 'npm');
const tarball = npmTarballPath(manifest.name, manifest.version);

const productionBundles = buildProductionBundles('npm');

rmSync(staging, { recursive: true, force: true });
mkdirSync(join(staging, 'dist'), { recursive: true });
for (const file of CLI_BUNDLES) cpSync(join(productionBundles, file), join(staging, 'dist', file));
cpSync(join(repoRoot, 'bin'), join(staging, 'bin'), { recursive: true });
for (const file of ['README.md', 'LICENSE']) cpSync(join(repoRoot, file), join(staging, file));

const cliManifest = {
  name: manifest.name,
  version: manifest.version,
  description: manifest.description,
  license: manifest.license,
  author: manifest.author,
  keywords: manifest.keywords,
  homepage: manifest.homepage,
  bugs: manifest.bugs,
  repository: manifest.repository,
  engines: { node: manifest.engines.node },
  bin: manifest.bin,
  files: ['bin/', 'dist/'],
  dependencies: Object.fromEntries(RUNTIME_MODULES.map((name) => [name, manifest.dependencies[name]])),
};
writeFileSync(join(staging, 'package.json'), `${JSON.stringify(cliManifest, null, 2)}\n`);

mkdirSync(dirname(tarball), { recursive: true });
rmSync(tarball, { force: true });
run('npm', ['pack', '--pack-destination', dirname(tarball), '--silent'], staging, { shell: process.platform === 'win32' });
console.log(`\n${relative(repoRoot, tarball)}`);
