import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { describe, it } from 'mocha';
import * as vscode from 'vscode';

const EXTENSION_ID = 'locoremind.locooperator';

interface CommandContribution {
  command: string;
}

/**
 * Runs an ES module script with the runtime the extension host forks its children with. From a
 * file, not `-e`: node-llama-cpp re-runs its parent's arguments to test a binary before loading it.
 */
async function runInChildNode(code: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'locooperator-smoke-'));
  try {
    const script = join(dir, 'check.mjs');
    await writeFile(script, code);
    const { stdout } = await promisify(execFile)(process.execPath, [script], {
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
      timeout: 60_000,
    });
    return stdout.trim();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function extension(): vscode.Extension<unknown> {
  const found = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(found, `${EXTENSION_ID} is not installed in this window`);
  return found;
}

describe('extension smoke', () => {
  it('activates without error', async () => {
    await extension().activate();
    assert.equal(extension().isActive, true);
  });

  it('registers every command its manifest contributes', async () => {
    await extension().activate();
    const contributed = ((extension().packageJSON.contributes?.commands ?? []) as CommandContribution[]).map(
      (entry) => entry.command,
    );
    assert.ok(contributed.length > 0, 'the manifest contributes no commands');
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = contributed.filter((command) => !registered.has(command));
    assert.deepEqual(missing, [], `contributed but not registered: ${missing.join(', ')}`);
  });

  it('contributes views that the workbench can focus', async () => {
    const views = (extension().packageJSON.contributes?.views ?? {}) as Record<string, { id: string }[]>;
    const ids = Object.values(views).flatMap((list) => list.map((view) => view.id));
    assert.ok(ids.length > 0, 'the manifest contributes no views');
    for (const id of ids) await vscode.commands.executeCommand(`${id}.focus`);
  });

  it('ships native modules that start on this platform: the llama.cpp CPU back-end and ripgrep', async () => {
    // The model host and the search tools load these from the extension's own node_modules.
    const root = extension().extensionPath;
    const llama = pathToFileURL(join(root, 'node_modules', 'node-llama-cpp', 'dist', 'index.js')).href;
    const backend = await runInChildNode(
      `const { getLlama } = await import(${JSON.stringify(llama)});` +
        `const engine = await getLlama({ gpu: false, build: 'never', maxThreads: 1 });` +
        `console.log(String(engine.gpu)); await engine.dispose();`,
    );
    assert.equal(backend, 'false');

    const ripgrep = join(root, 'node_modules', '@vscode', `ripgrep-${process.platform}-${process.arch}`, 'bin', 'rg');
    const { stdout } = await promisify(execFile)(ripgrep, ['--version']);
    assert.match(stdout, /^ripgrep \d+\.\d+/);
  });

  it('ships only what runs when installed from a VSIX: no sources, tests, maps or other platforms', async function () {
    const root = extension().extensionPath;
    // VS Code writes .vsixmanifest when it installs a package; a development folder has none.
    if (!existsSync(join(root, '.vsixmanifest'))) this.skip();
    const topLevel = (await readdir(root)).filter((name) => !name.startsWith('.')).sort();
    assert.deepEqual(
      topLevel.filter((name) => !['dist', 'media', 'models', 'node_modules', 'package.json'].includes(name)),
      topLevel.filter((name) => /^(readme|license|changelog)\b/i.test(name)),
    );
    const files = (await readdir(root, { recursive: true })).map((name) => name.split(sep).join('/'));
    assert.deepEqual(files.filter((name) => /\.(map|[cm]?tsx?)$/.test(name)), []);

    // Prebuilt llama.cpp back-ends for this platform only (CPU, and Vulkan where it exists).
    const platform = `${{ darwin: 'mac', win32: 'win' }[process.platform as string] ?? process.platform}-${process.arch}`;
    const llamaBuilds = await readdir(join(root, 'node_modules', '@node-llama-cpp'));
    assert.ok(llamaBuilds.includes(platform), `no ${platform} CPU build in ${llamaBuilds.join(', ')}`);
    assert.deepEqual(llamaBuilds.filter((name) => !name.startsWith(platform) || name.includes('cuda')), []);
    const ripgrepBuilds = (await readdir(join(root, 'node_modules', '@vscode'))).filter((name) => name.startsWith('ripgrep-'));
    assert.deepEqual(ripgrepBuilds, [`ripgrep-${process.platform}-${process.arch}`]);
  });
});
