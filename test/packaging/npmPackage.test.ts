import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { npmTarballPath } from '../../scripts/packaging/targets.mjs';
import { makeFixtureWorkspace, type FixtureWorkspace } from '../fakes/fixtureWorkspace';
import { tinyGgufFile } from '../fakes/tinyGguf';

/**
 * The CLI as `npx -y locooperator` gets it: `npm run package:npm`'s tarball installed into an
 * empty folder outside the repository (so nothing resolves from the repository's node_modules),
 * with the dependencies npm picks for this platform, then run from there.
 */
const repo = path.resolve(__dirname, '../..');
const manifest = JSON.parse(await readFile(path.join(repo, 'package.json'), 'utf8'));
const run = promisify(execFile);

let prefix: string;
let bin: string;
let workspace: FixtureWorkspace;
// The installed launcher is a `#!/usr/bin/env node` script: the Node running the tests answers it.
const env = { ...process.env, PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH}`, LOCOOPERATOR_MODEL_PATH: '' };

beforeAll(async () => {
  await run(process.execPath, [path.join(repo, 'scripts/package-cli.mjs')], { cwd: repo, maxBuffer: 64 * 1024 * 1024 });
  prefix = await mkdtemp(path.join(tmpdir(), 'loco-npm-'));
  // From npm's cache where it holds the packages (the repository's own install put them there).
  await run('npm', ['install', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', npmTarballPath(manifest.name, manifest.version)], {
    cwd: prefix,
    maxBuffer: 64 * 1024 * 1024,
  });
  bin = path.join(prefix, 'node_modules', '.bin', 'locooperator');
  workspace = await makeFixtureWorkspace();
}, 900_000);

afterAll(async () => {
  await workspace?.cleanup();
  if (prefix) await rm(prefix, { recursive: true, force: true });
});

describe('the locooperator npm package', () => {
  it('ships a manifest of its own: the CLI, what runs it, and the two native dependencies', async () => {
    const installed = JSON.parse(await readFile(path.join(prefix, 'node_modules', 'locooperator', 'package.json'), 'utf8'));
    expect(installed).toMatchObject({
      name: manifest.name,
      version: manifest.version,
      bin: { locooperator: './bin/locooperator.js' },
      files: ['bin/', 'dist/'],
      dependencies: { 'node-llama-cpp': manifest.dependencies['node-llama-cpp'], '@vscode/ripgrep': manifest.dependencies['@vscode/ripgrep'] },
    });
    expect(installed.private).toBeUndefined();
    expect(installed.contributes).toBeUndefined();
    expect(installed.devDependencies).toBeUndefined();
    const { stdout } = await run('tar', ['-tzf', npmTarballPath(manifest.name, manifest.version)]);
    expect(stdout.trim().split('\n').sort()).toEqual(
      ['LICENSE', 'README.md', 'bin/locooperator.js', 'dist/bashWorker.js', 'dist/cli.js', 'dist/model-host.mjs', 'package.json'].map((file) => `package/${file}`),
    );
  });

  it('prints its usage', async () => {
    const { stdout } = await run(bin, ['--help'], { env });
    expect(stdout).toContain('locooperator mcp [--cwd DIR]...');
  });

  it('runs a tool with the ripgrep npm installed for this platform', async () => {
    const { stdout } = await run(bin, ['tool', 'Grep', JSON.stringify({ pattern: 'def create_app', output_mode: 'content' }), '--cwd', workspace.root], { env });
    expect(stdout).toContain('src/server/app.py:');
    const read = await run(bin, ['tool', 'Read', JSON.stringify({ file_path: 'src/server/app.py', limit: 3 }), '--cwd', workspace.root], { env });
    expect(read.stdout).toMatch(/^\s+1→/);
  });

  it('loads the llama.cpp build npm installed for this platform and answers from a model', async () => {
    const model = await tinyGgufFile();
    const { stdout } = await run(bin, ['ask', 'Where is the application created?', '--cwd', workspace.root, '--model', model, '--threads', '1', '--json'], {
      env: { ...env, LOCOOPERATOR_GRAMMAR: 'root ::= "The application is created in " [a-z]{1,12}' },
      timeout: 120_000,
    });
    const finished = stdout
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line))
      .find((event) => event.type === 'run/finished');
    expect(finished).toMatchObject({ reason: 'done', report: expect.stringMatching(/^The application is created in [a-z]+$/) });
  });

  it('serves `locooperator mcp`: tools/list and an explore call through the MCP SDK client', async () => {
    const transcript = path.join(prefix, 'transcript.json');
    await writeFile(
      transcript,
      JSON.stringify([
        'Looking for the factory.\n<tool_call>\n{"name": "Grep", "arguments": {"pattern": "def create_app", "path": "${workspaceFolder}"}}\n</tool_call>',
        'The app factory is `create_app` in ${workspaceFolder}/src/server/app.py:8.',
      ]),
    );
    const transport = new StdioClientTransport({ command: bin, args: ['mcp', '--cwd', workspace.root, '--scripted', transcript], env, stderr: 'pipe' });
    const client = new Client({ name: 'test-agent', version: '1.0.0' });
    await client.connect(transport);
    try {
      const { tools } = await client.listTools();
      expect(tools.map((tool) => tool.name)).toEqual(['explore']);
      const progress: string[] = [];
      const result = (await client.callTool({ name: 'explore', arguments: { question: 'Where is the Flask app created?' } }, undefined, {
        onprogress: (update) => progress.push(update.message ?? ''),
      })) as CallToolResult;
      expect(result.isError).toBe(false);
      const text = result.content.map((part) => (part.type === 'text' ? part.text : '')).join('');
      expect(text).toContain('The app factory is `create_app` in src/server/app.py:8.');
      expect(text).toMatch(/References checked against the workspace.*:\n- src\/server\/app\.py:8$/);
      expect(progress).toEqual([expect.stringMatching(/^Grep "def create_app"/)]);
    } finally {
      await client.close();
    }
  });
});
