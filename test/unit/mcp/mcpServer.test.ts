import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { ListRootsRequestSchema, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { makeFixtureWorkspace, type FixtureWorkspace } from '../../fakes/fixtureWorkspace';
import { startFakeServer } from '../../fakes/inferenceServers';

/**
 * `locooperator mcp` as an agent uses it: the built CLI in a child process, driven by the MCP
 * SDK's own client over real stdio, with a scripted model replaying recorded turns.
 */
const repo = path.resolve(__dirname, '../../..');
const cli = path.join(repo, 'bin/locooperator.js');

let workspace: FixtureWorkspace;
let scratch: string;
const clients: Client[] = [];

beforeAll(async () => {
  if (!existsSync(path.join(repo, 'dist/cli.js'))) await promisify(execFile)(process.execPath, [path.join(repo, 'scripts/build.mjs')]);
  workspace = await makeFixtureWorkspace();
  scratch = await mkdtemp(path.join(tmpdir(), 'loco-mcp-'));
}, 120_000);
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
});
afterAll(async () => {
  await workspace.cleanup();
  await rm(scratch, { recursive: true, force: true });
});

async function transcript(turns: string[] | { turns: string[]; chunkSize: number; delayMs: number }): Promise<string> {
  const file = path.join(scratch, `t${Math.random().toString(36).slice(2)}.json`);
  await writeFile(file, JSON.stringify(turns));
  return file;
}

/**
 * Starts the server with `args` and connects a client (one that offers `roots` when given: folders,
 * or the exact answer the client gives to roots/list).
 */
async function connect(args: string[], roots?: string[] | { uri: string; name?: string }[]): Promise<{ client: Client; stderr: () => string }> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [cli, 'mcp', ...args],
    env: { ...(process.env as Record<string, string>), LOCOOPERATOR_MODEL_PATH: '', XDG_CACHE_HOME: scratch },
    stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const client = new Client({ name: 'test-agent', version: '1.0.0' }, { capabilities: roots ? { roots: { listChanged: true } } : {} });
  if (roots) {
    const listed = roots.map((root) => (typeof root === 'string' ? { uri: pathToFileURL(root).href, name: path.basename(root) } : root));
    client.setRequestHandler(ListRootsRequestSchema, async () => ({ roots: listed }));
  }
  clients.push(client);
  await client.connect(transport);
  return { client, stderr: () => stderr };
}

function textOf(result: unknown): string {
  const content = (result as CallToolResult).content;
  return content.map((part) => (part.type === 'text' ? part.text : '')).join('');
}

describe('locooperator mcp', () => {
  it('lists one read-only explore tool whose schema says what to send', async () => {
    const { client } = await connect(['--cwd', workspace.root, '--scripted', await transcript(['unused'])]);
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name)).toEqual(['explore']);
    const [explore] = tools;
    expect(explore?.description).toMatch(/Explores this codebase .* report with file paths and line numbers/);
    expect(explore?.annotations).toMatchObject({ readOnlyHint: true });
    expect(explore?.inputSchema).toMatchObject({
      type: 'object',
      required: ['question'],
      properties: { question: { type: 'string' }, folder: { type: 'string' }, thoroughness: { enum: ['quick', 'medium', 'veryThorough'] } },
    });
  });

  it('explores the fixture, reports progress per tool call, and returns workspace-relative references with the unverified ones flagged', async () => {
    const file = await transcript([
      'Looking for the factory.\n<tool_call>\n{"name": "Grep", "arguments": {"pattern": "def create_app", "path": "${workspaceFolder}"}}\n</tool_call>',
      [
        'The app factory is `create_app` in ${workspaceFolder}/src/server/app.py:8, configured from src/server/config.py:1-5.',
        'Authentication lives in src/server/auth.py:12, and the config ends at src/server/config.py:999.',
      ].join(' '),
    ]);
    const { client } = await connect(['--cwd', workspace.root, '--scripted', file]);
    const progress: string[] = [];
    const result = await client.callTool({ name: 'explore', arguments: { question: 'Where is the Flask app created?' } }, undefined, {
      onprogress: (update) => progress.push(update.message ?? ''),
    });
    expect(result.isError).toBe(false);
    const text = textOf(result);
    expect(text).not.toContain(workspace.root);
    expect(text).toContain('`create_app` in src/server/app.py:8, configured from src/server/config.py:1-5.');
    expect(text).toContain('src/server/auth.py:12 [unverified]');
    expect(text).toContain('src/server/config.py:999 [unverified]');
    expect(text).toMatch(/References checked against the workspace.*:\n- src\/server\/app\.py:8\n- src\/server\/config\.py:1-5\n/);
    expect(text).toContain('- src/server/auth.py:12: No file src/server/auth.py in this workspace');
    expect(text).toMatch(/- src\/server\/config\.py:999: Line 999 is past the end of src\/server\/config\.py, which has \d+ lines/);
    expect(progress).toEqual([expect.stringMatching(/^Grep "def create_app"/)]);
  });

  it('answers bad input with what to fix, and keeps serving', async () => {
    const file = await transcript(['Routes are registered in ${workspaceFolder}/server/routes.py:1.']);
    const { client } = await connect(['--cwd', path.join(workspace.root, 'src'), '--scripted', file]);
    const call = async (args: Record<string, unknown>) => {
      const result = await client.callTool({ name: 'explore', arguments: args });
      return { isError: result.isError, text: textOf(result) };
    };
    expect(await call({ question: '   ' })).toEqual({ isError: true, text: expect.stringContaining('The question is empty') });
    expect(await call({ question: 'Where?', thoroughness: 'exhaustive' })).toEqual({
      isError: true,
      text: expect.stringContaining('thoroughness must be one of quick, medium, veryThorough, not "exhaustive"'),
    });
    expect(await call({ question: 'Where?', folder: '../tests' })).toEqual({ isError: true, text: expect.stringMatching(/The folder "\.\.\/tests" is outside the workspace/) });
    expect(await call({ question: 'Where?', folder: '/etc' })).toEqual({ isError: true, text: expect.stringMatching(/The folder "\/etc" is outside the workspace/) });
    expect(await call({ question: 'Where?', folder: 'server/nope' })).toEqual({ isError: true, text: expect.stringMatching(/There is no folder "server\/nope"/) });
    // The one scripted turn is still there for a good call.
    const good = await call({ question: 'Where are the routes?', folder: 'server', thoroughness: 'quick' });
    expect(good.isError).toBe(false);
    expect(good.text).toContain('Routes are registered in server/routes.py:1.');
  });

  it("stays inside the client's roots where the client lists them", async () => {
    const file = await transcript(['unused']);
    const inside = await connect(['--cwd', workspace.root, '--scripted', file], [path.join(workspace.root, 'src')]);
    const tests = path.join(workspace.root, 'tests');
    const outside = await inside.client.callTool({ name: 'explore', arguments: { question: 'What do the tests cover?', folder: tests } });
    expect(outside.isError).toBe(true);
    expect(textOf(outside)).toBe(`The folder "${tests}" is outside the workspace; only \`${path.join(workspace.root, 'src')}\` can be explored.`);

    const elsewhere = await connect(['--cwd', workspace.root, '--scripted', file], [scratch]);
    const refused = await elsewhere.client.callTool({ name: 'explore', arguments: { question: 'Anything?' } });
    expect(refused.isError).toBe(true);
    expect(textOf(refused)).toMatch(/None of the client's roots lies inside the folders this server was started with/);
  });

  it('serves its own folders to a client that lists no roots, and explores nothing for a client whose roots answer is invalid', async () => {
    const file = await transcript(['The factory is in src/server/app.py:8.']);
    const none = await connect(['--cwd', workspace.root, '--scripted', file], []);
    const served = await none.client.callTool({ name: 'explore', arguments: { question: 'Where is the app created?' } });
    expect(served.isError).toBe(false);
    expect(textOf(served)).toContain('The factory is in src/server/app.py:8.');

    const invalid = await connect(['--cwd', workspace.root, '--scripted', file], [{ uri: 'https://example.com/repo', name: 'web' }]);
    const refused = await invalid.client.callTool({ name: 'explore', arguments: { question: 'Where is the app created?' } });
    expect(refused.isError).toBe(true);
    expect(textOf(refused)).toMatch(/^The client's list of roots could not be read \(.+\), so nothing is explored/);
  });

  it('replays a scripted transcript from its first turn on every call', async () => {
    const { client } = await connect(['--cwd', workspace.root, '--scripted', await transcript(['The factory is in src/server/app.py:8.'])]);
    for (const question of ['Where is the app created?', 'And again?']) {
      const result = await client.callTool({ name: 'explore', arguments: { question } });
      expect({ question, isError: result.isError, text: textOf(result) }).toEqual({ question, isError: false, text: expect.stringContaining('The factory is in src/server/app.py:8.') });
    }
  });

  it('answers the handshake at once and reaches the server on the first call, which a silent server fails after --server-connect-timeout', async () => {
    const silent = await startFakeServer({ 'GET /props': () => {} });
    try {
      // Without the handshake answered, connect and listTools would wait for the server.
      const { client } = await connect(['--cwd', workspace.root, '--server', silent.url, '--server-connect-timeout', '1']);
      expect((await client.listTools()).tools.map((tool) => tool.name)).toEqual(['explore']);
      expect(silent.requests).toEqual([]);
      const result = await client.callTool({ name: 'explore', arguments: { question: 'Where is the app created?' } });
      expect(result.isError).toBe(true);
      expect(textOf(result)).toMatch(/^The exploration failed: The server at http:\/\/127\.0\.0\.1:\d+ took the connection but has not answered within 1 s/);
    } finally {
      await silent.close();
    }
  });

  it('stops a cancelled exploration and starts the next call', async () => {
    // The turn goes on writing for about a minute after its tool call (whose progress
    // notification is the cue to cancel): since calls take turns, the next call gets as far as
    // its own tool call within the test's time limit only if the cancelled run really stopped.
    const file = await transcript({
      chunkSize: 20,
      delayMs: 15,
      turns: [`<tool_call>\n{"name": "Glob", "arguments": {"pattern": "**/*.py"}}\n</tool_call>${'More findings. '.repeat(5000)}`],
    });
    const { client } = await connect(['--cwd', workspace.root, '--scripted', file]);
    const callThenCancel = (question: string) => {
      const abort = new AbortController();
      const progress: string[] = [];
      const call = client.callTool({ name: 'explore', arguments: { question } }, undefined, {
        signal: abort.signal,
        onprogress: (update) => {
          progress.push(update.message ?? '');
          if (update.message?.startsWith('Glob')) abort.abort();
        },
      });
      return expect(call).rejects.toThrow(/abort/i).then(() => progress.at(-1));
    };
    expect(await callThenCancel('Summarise everything.')).toMatch(/^Glob/);
    expect(await callThenCancel('Summarise it again.')).toMatch(/^Glob/);
  });

  it('ends cleanly when the client goes away mid-run', async () => {
    const file = await transcript({ chunkSize: 10, delayMs: 20, turns: [`${'Still writing. '.repeat(400)}`] });
    const server = spawn(process.execPath, [cli, 'mcp', '--cwd', workspace.root, '--scripted', file], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    server.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    server.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => server.on('exit', (code) => resolve(code)));
    const send = (message: object) => server.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', ...message })}\n`);
    send({ id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } });
    await until(() => stdout.includes('"id":1'));
    send({ method: 'notifications/initialized' });
    send({ id: 2, method: 'tools/call', params: { name: 'explore', arguments: { question: 'Explain it all.' } } });
    // The run is going (the transcript takes seconds to stream); the client disappears.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const gone = Date.now();
    server.stdin.end();
    expect(await exited).toBe(0);
    expect(Date.now() - gone).toBeLessThan(3000);
    expect(stdout).not.toContain('"id":2');
    expect(stderr).not.toMatch(/Error|at .*\.js:\d+/);
  });

  it('refuses a question on the command line and a missing folder', async () => {
    const run = (args: string[]) =>
      new Promise<{ code: number; stderr: string }>((resolve) =>
        execFile(process.execPath, [cli, 'mcp', ...args], (error, _stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stderr })),
      );
    expect(await run(['Where?', '--scripted', 'x'])).toMatchObject({ code: 2, stderr: expect.stringContaining('mcp takes no question') });
    expect(await run(['--cwd', path.join(scratch, 'missing'), '--scripted', 'x'])).toMatchObject({ code: 2, stderr: expect.stringContaining('does not exist') });
  });
});

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
