import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LLAMA_SCOPE, TARGETS, hostTarget, packageRunsOn, vsixPath } from '../../scripts/packaging/targets.mjs';
import { createModelClient } from '../../src/model/modelClient';
import { tinyGgufFile } from '../fakes/tinyGguf';
import { nativeBinary } from './nativeBinary';
import { zipEntries, type ZipEntry } from './zipEntries';

/**
 * The six platform VSIXs as `npm run package:all` writes them on this one machine, read back the
 * way VS Code installs them: every native file is built for the VSIX's platform and CPU, no other
 * platform's package is inside, what node-llama-cpp and ripgrep load is where they look for it
 * (ripgrep runnable), and each stays small enough to download.
 */
const repo = path.resolve(__dirname, '../..');
const manifest = JSON.parse(readFileSync(path.join(repo, 'package.json'), 'utf8'));
const MAX_BYTES = 60 * 1024 * 1024;
// Names a native library or program goes by; each such file must be a binary of the target.
const NATIVE_NAME = /\.(node|so|dylib|dll|exe)$|\/bin\/rg$/;
// Past either count vsce warns that the extension should be bundled (its package.js counts the
// packaged files, and the JavaScript files among them by the name ending .js).
const VSCE_MAX_FILES = 5000;
const VSCE_MAX_JS_FILES = 100;

const sizes: string[] = [];
let packagingOutput: string;

beforeAll(async () => {
  // Building the six takes a minute or two (the first run also downloads other platforms'
  // packages from the registry into the packaging cache).
  const { stdout, stderr } = await promisify(execFile)(process.execPath, [path.join(repo, 'scripts/package.mjs'), '--all'], {
    cwd: repo,
    maxBuffer: 256 * 1024 * 1024,
  });
  packagingOutput = stdout + stderr;
}, 1_800_000);

it('packages the six without a warning from vsce', () => {
  expect(packagingOutput.match(/DONE +Packaged/g)).toHaveLength(Object.keys(TARGETS).length);
  // vsce prefixes each warning with WARNING (with ::warning:: under GitHub Actions).
  expect(packagingOutput).not.toMatch(/WARNING|::warning::/);
});

afterAll(() => {
  if (sizes.length > 0) console.log(`VSIX sizes: ${sizes.join(', ')}`);
});

describe.each(Object.keys(TARGETS))('the %s VSIX', (target) => {
  const platform = TARGETS[target]!;
  const file = vsixPath(manifest.name, manifest.version, target);
  let entries: ZipEntry[];
  const entry = (name: string) => entries.find((candidate) => candidate.path === name);

  beforeAll(() => {
    entries = zipEntries(file);
  });

  it('is at most 60 MB and says which platform it is for', () => {
    const size = statSync(file).size;
    sizes.push(`${target} ${(size / 1024 / 1024).toFixed(1)} MB`);
    expect(size).toBeLessThanOrEqual(MAX_BYTES);
    expect(entry('extension.vsixmanifest')?.read().toString('utf8')).toContain(`TargetPlatform="${target}"`);
  });

  it('holds few enough files, JavaScript files above all, that vsce sees a bundled extension', () => {
    const files = entries.filter((candidate) => candidate.path.startsWith('extension/'));
    const javaScript = files.filter((candidate) => /\.js$/i.test(candidate.path));
    sizes.push(`${target} ${files.length} files, ${javaScript.length} .js`);
    expect(files.length).toBeLessThanOrEqual(VSCE_MAX_FILES);
    expect(javaScript.length).toBeLessThanOrEqual(VSCE_MAX_JS_FILES);
    // node-llama-cpp is two bundles: its entry and the file it forks to try a binary first.
    const llamaScripts = javaScript.filter((candidate) => candidate.path.startsWith('extension/node_modules/node-llama-cpp/'));
    expect(llamaScripts.map((candidate) => candidate.path).sort()).toEqual([
      'extension/node_modules/node-llama-cpp/dist/bindings/utils/testBindingBinary.js',
      'extension/node_modules/node-llama-cpp/dist/index.js',
    ]);
  });

  it('carries what the Marketplace and Open VSX show: icon, licence, changelog, links', () => {
    const shipped = JSON.parse(entry('extension/package.json')!.read().toString('utf8'));
    const icon = entry(`extension/${shipped.icon}`)!.read();
    expect(icon.subarray(1, 4).toString('latin1')).toBe('PNG');
    // The PNG header's first chunk (IHDR) holds the width and height.
    expect(Math.min(icon.readUInt32BE(16), icon.readUInt32BE(20))).toBeGreaterThanOrEqual(128);
    expect(entry('extension/LICENSE.txt')).toBeDefined();
    expect(entry('extension/changelog.md')).toBeDefined();
    expect(shipped).toMatchObject({
      repository: { url: expect.stringMatching(/^https:\/\//) },
      bugs: { url: expect.stringMatching(/^https:\/\//) },
      homepage: expect.stringMatching(/^https:\/\//),
      galleryBanner: { color: expect.any(String), theme: expect.stringMatching(/^(dark|light)$/) },
      categories: expect.arrayContaining(['AI', 'Chat']),
      keywords: expect.any(Array),
    });
    expect(shipped.devDependencies).toBeUndefined();
  });

  it('ships the images its README shows, linked relatively so that the Marketplace page finds them', () => {
    const readme = readFileSync(path.join(repo, 'README.md'), 'utf8');
    const images = [...readme.matchAll(/!\[[^\]]*\]\(([^)\s]+)\)/g)].map((match) => match[1]!);
    expect(images.length).toBeGreaterThan(0);
    for (const image of images) {
      expect(image).not.toMatch(/^[a-z]+:|^\//);
      expect(entry(`extension/${image}`), image).toBeDefined();
    }
  });

  it(`holds native files built for ${platform.binary.format} ${platform.binary.arch} only`, () => {
    const native = entries.flatMap((candidate) => {
      const binary = nativeBinary(candidate.read());
      return binary ? [{ path: candidate.path, ...binary }] : [];
    });
    expect(native.length).toBeGreaterThan(0);
    const foreign = native.filter((binary) => binary.format !== platform.binary.format || binary.archs.some((arch) => arch !== platform.binary.arch));
    expect(foreign).toEqual([]);
    const unreadable = entries.filter((candidate) => NATIVE_NAME.test(candidate.path) && !native.some((binary) => binary.path === candidate.path));
    expect(unreadable.map((candidate) => candidate.path)).toEqual([]);
  });

  it('holds no package that npm would leave out on this platform', () => {
    const packages = entries
      .filter((candidate) => /^extension\/node_modules\/(?:.*\/node_modules\/)?(?:@[^/]+\/)?[^/@]+\/package\.json$/.test(candidate.path))
      .map((candidate) => JSON.parse(candidate.read().toString('utf8')));
    expect(packages.length).toBeGreaterThan(0);
    expect(packages.filter((pkg) => !packageRunsOn(pkg, target)).map((pkg) => pkg.name)).toEqual([]);
    const llamaBuilds = packages.filter((pkg) => pkg.name.startsWith(LLAMA_SCOPE)).map((pkg) => pkg.name.slice(LLAMA_SCOPE.length));
    expect(llamaBuilds.sort()).toEqual([...platform.llama].sort());
  });

  it('holds the llama.cpp addon that node-llama-cpp loads here, at its own version', () => {
    const version = JSON.parse(entry('extension/node_modules/node-llama-cpp/package.json')!.read().toString('utf8')).version;
    for (const variant of platform.llama) {
      const dir = `extension/node_modules/${LLAMA_SCOPE}${variant}`;
      // node-llama-cpp takes a prebuilt build only when its package's version equals its own.
      expect(JSON.parse(entry(`${dir}/package.json`)!.read().toString('utf8')).version).toBe(version);
      expect(entry(`${dir}/bins/${variant}/llama-addon.node`), `${variant}'s addon`).toBeDefined();
      expect(entry(`${dir}/bins/${variant}/_nlcBuildMetadata.json`), `${variant}'s build metadata`).toBeDefined();
    }
  });

  it.runIf(target === hostTarget())('starts its model host as installed, far from the repository, and loads a model', async () => {
    // Unpacked as VS Code installs it, under the system's temp folder: nothing can resolve from the
    // repository's node_modules, so node-llama-cpp, its binaries and every file it looks up come
    // from the VSIX.
    const installed = mkdtempSync(path.join(tmpdir(), 'loco-vsix-'));
    const logs: string[] = [];
    const model = createModelClient({
      modelPath: await tinyGgufFile(),
      hostScript: path.join(installed, 'extension', 'dist', 'model-host.mjs'),
      threads: 1,
      contextSize: 512,
      // A model with random weights writes noise; the grammar makes its answer known.
      grammar: 'root ::= "The answer"',
      onLog: (line) => logs.push(line),
    });
    try {
      for (const candidate of entries) {
        if (candidate.path.endsWith('/')) continue;
        const file = path.join(installed, candidate.path);
        mkdirSync(path.dirname(file), { recursive: true });
        writeFileSync(file, candidate.read());
        if (candidate.mode !== undefined) chmodSync(file, candidate.mode);
      }
      expect(await model.load()).toMatchObject({ state: 'ready' });
      const prompt = [{ text: 'Where is the application created?', special: false }];
      const result = await model.complete({ prompt, sampling: { seed: 1, maxTokens: 16 } }, { signal: new AbortController().signal });
      expect(result).toMatchObject({ text: 'The answer', stopReason: 'endOfTurn' });
      // node-llama-cpp tries a prebuilt binary in a child process that runs its own file; when it
      // cannot find that file it skips the try and says so.
      expect(logs.join('\n')).not.toContain('is not independent');
    } finally {
      await model.dispose();
      rmSync(installed, { recursive: true, force: true });
    }
  }, 120_000);

  it('holds ripgrep where @vscode/ripgrep looks for it, runnable', () => {
    const rg = entry(`extension/node_modules/@vscode/ripgrep-${target}/bin/${platform.os === 'win32' ? 'rg.exe' : 'rg'}`);
    expect(rg).toBeDefined();
    if (platform.os !== 'win32') {
      // VS Code restores file modes from the archive; without the run bit, every search fails.
      expect(rg!.mode).toBeDefined();
      expect(rg!.mode! & 0o111).toBe(0o111);
    }
  });
});
