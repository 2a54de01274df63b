import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentEvent } from '../../../src/protocol/agentEvent';
import { makeFixtureWorkspace, type FixtureWorkspace } from '../../fakes/fixtureWorkspace';
import { llamaServerIdentity, neverAnswers, startFakeServer, startMuteTcpServer } from '../../fakes/inferenceServers';

/** The CLI as a user runs it: the built bundle, in a child process. */
const repo = path.resolve(__dirname, '../../..');
const cli = path.join(repo, 'bin/locooperator.js');

function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [cli, ...args], { env: { ...process.env, LOCOOPERATOR_MODEL_PATH: '', XDG_CACHE_HOME: scratch } }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
}

let workspace: FixtureWorkspace;
let scratch: string;
beforeAll(async () => {
  if (!existsSync(path.join(repo, 'dist/cli.js'))) await promisify(execFile)(process.execPath, [path.join(repo, 'scripts/build.mjs')]);
  workspace = await makeFixtureWorkspace();
  scratch = await mkdtemp(path.join(tmpdir(), 'loco-cli-'));
}, 120_000);
afterAll(async () => {
  await workspace.cleanup();
  await rm(scratch, { recursive: true, force: true });
});

async function transcript(turns: string[]): Promise<string> {
  const file = path.join(scratch, `t${Math.random().toString(36).slice(2)}.json`);
  await writeFile(file, JSON.stringify(turns));
  return file;
}

describe('locooperator CLI', () => {
  it('tool prints exactly what the model would see', async () => {
    const result = await run(['tool', 'Read', JSON.stringify({ file_path: `${workspace.root}/src/server/config.py`, limit: 2 }), '--cwd', workspace.root]);
    expect(result).toEqual({ code: 0, stdout: '     1→import os\n     2→\n', stderr: '' });
  });

  it('prompt prints the exact first prompt: the trained system prompt, then the framed question', async () => {
    const result = await run(['prompt', 'Where are the routes?', '--cwd', workspace.root]);
    expect(result.code).toBe(0);
    expect(result.stdout.startsWith('<|im_start|>system\nYou are a read-only codebase search specialist.\n\nCRITICAL CONSTRAINTS:\n')).toBe(true);
    expect(result.stdout).toContain(`\n\nENV: Working directory is ${workspace.root} (Linux, `);
    expect(result.stdout).toContain(
      `<|im_end|>\n<|im_start|>user\nTASK:\nAnalyze the ${path.basename(workspace.root)} codebase at \`${workspace.root}\`.\nWhere are the routes?\n\n`,
    );
    expect(result.stdout.endsWith('<|im_end|>\n<|im_start|>assistant\n')).toBe(true);
    expect(result.stdout).not.toContain('Tools:');
    const listed = await run(['prompt', 'Where are the routes?', '--cwd', workspace.root, '--system-prompt', 'tool-list']);
    expect(listed.stdout).toContain('Tools:\n- Read (file_path, offset, limit): ');
    const bad = await run(['prompt', 'x', '--system-prompt', 'mine']);
    expect(bad).toMatchObject({ code: 2, stderr: expect.stringContaining('--system-prompt must be trained or tool-list') });
  });

  it('tool answers an unknown tool like the agent does, and tells the person the tools there are', async () => {
    const result = await run(['tool', 'Edit', '{}', '--cwd', workspace.root]);
    expect(result).toEqual({
      code: 2,
      stdout: '<tool_use_error>Error: No such tool available: Edit</tool_use_error>\n',
      stderr: 'locooperator: there is no tool "Edit"; the tools are Read, Grep, Glob, Bash, Task.\n',
    });
  });

  it('ask --json prints one valid AgentEvent per line, ending with the finished run', async () => {
    const file = await transcript([
      `Looking.\n<tool_call>\n{"name": "Glob", "arguments": {"pattern": "src/**/*.py"}}\n</tool_call>`,
      `The app factory is in ${workspace.root}/src/server/app.py:8.`,
    ]);
    const result = await run(['ask', 'Where is the app created?', '--cwd', workspace.root, '--scripted', file, '--json']);
    expect(result.code).toBe(0);
    const events = result.stdout.trim().split('\n').map((line) => AgentEvent.parse(JSON.parse(line)));
    expect(events.map((event) => event.seq)).toEqual(events.map((_, index) => index));
    expect(events.find((event) => event.type === 'tool/result')).toMatchObject({ status: 'done', output: expect.stringContaining('/src/server/app.py') });
    expect(events.at(-1)).toMatchObject({ type: 'run/finished', reason: 'done', report: `The app factory is in ${workspace.root}/src/server/app.py:8.` });
  });

  it('ask prints tool calls and the streamed report as text', async () => {
    const file = await transcript([
      `<tool_call>\n{"name": "Bash", "arguments": {"command": "wc -l src/server/config.py"}}\n</tool_call>`,
      'Config has 12 lines.',
    ]);
    const result = await run(['ask', 'How long is config.py?', '--cwd', workspace.root, '--scripted', file]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('● $ wc -l src/server/config.py');
    expect(result.stdout).toMatch(/⎿ \$ wc -l src\/server\/config.py: done \(\d+ ms\) \d+ chars/);
    expect(result.stdout).toContain('Config has 12 lines.');
    expect(result.stdout).toMatch(/\[2 turns, 1 tool call, \d+ in \/ \d+ out tokens, [\d.]+ s\]/);
  });

  describe('with several --cwd folders (a multi-root workspace)', () => {
    let parent: string;
    let second: string;
    beforeAll(async () => {
      parent = await mkdtemp(path.join(tmpdir(), 'loco-cli-roots-'));
      second = path.join(parent, 'ws-b');
      await mkdir(path.join(second, 'src'), { recursive: true });
      await writeFile(path.join(second, 'src', 'cart.ts'), 'export class Cart {\n  // create_app wires the cart in\n}\n');
    });
    afterAll(() => rm(parent, { recursive: true, force: true }));

    it('prompt names every folder as a codebase and the first as the working directory', async () => {
      const result = await run(['prompt', 'Where are the routes?', '--cwd', workspace.root, '--cwd', second]);
      expect(result.stdout).toContain(`ENV: Working directory is ${workspace.root} (Linux, `);
      expect(result.stdout).toContain(`Analyze the ${path.basename(workspace.root)} and ws-b codebases at \`${workspace.root}\` and \`${second}\`.`);
    });

    it('tool searches every folder when the call names no path, the second by absolute path', async () => {
      const result = await run(['tool', 'Grep', JSON.stringify({ pattern: 'create_app wires', output_mode: 'content' }), '--cwd', workspace.root, '--cwd', second]);
      expect(result).toEqual({ code: 0, stdout: `${path.join(second, 'src/cart.ts')}:2:  // create_app wires the cart in\n`, stderr: '' });
      const one = await run(['tool', 'Grep', JSON.stringify({ pattern: 'create_app wires' }), '--cwd', workspace.root]);
      expect(one.stdout).toBe('No files found\n');
    });

    it('ask reads both folders and lists the report\'s references that do not check out, with the view\'s reasons', async () => {
      const file = await transcript([
        `<tool_call>\n{"name": "Read", "arguments": {"file_path": "${path.join(second, 'src/cart.ts')}"}}\n</tool_call>`,
        'The cart is ws-b/src/cart.ts:1, wired at ws-b/src/cart.ts:9, built by src/server/app.py:8 and paid in ws-b/src/pay.ts:3.',
      ]);
      const result = await run(['ask', 'Where is the cart?', '--cwd', workspace.root, '--cwd', second, '--scripted', file]);
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/⎿ Read ws-b\/src\/cart\.ts: done/);
      expect(result.stdout).toContain(
        [
          'Not verified (the model may have invented these references):',
          `  ws-b/src/cart.ts:9: Line 9 is past the end of ws-b/src/cart.ts, which has 3 lines`,
          '  ws-b/src/pay.ts:3: No file ws-b/src/pay.ts in this workspace',
        ].join('\n'),
      );
      expect(result.stdout).not.toMatch(/ {2}(ws-b\/src\/cart\.ts:1|src\/server\/app\.py:8):/);
    });

    it('ask says nothing more when every reference checks out', async () => {
      const file = await transcript(['The factory is src/server/app.py:8.']);
      const result = await run(['ask', 'Where?', '--cwd', workspace.root, '--cwd', second, '--scripted', file]);
      expect(result.stdout).not.toContain('Not verified');
    });
  });

  it('ask without a model says how to get one', async () => {
    const result = await run(['ask', 'anything', '--cwd', workspace.root]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/No model given: pass --model FILE.gguf .*"locooperator download"/);
  });

  it('ask with a missing model file fails with a clear message', async () => {
    const result = await run(['ask', 'anything', '--cwd', workspace.root, '--model', path.join(scratch, 'nope.gguf')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/nope\.gguf/);
    expect(result.stderr.split('\n').length).toBeLessThan(4);
  });

  it('prints each command\'s own options for --help after it', async () => {
    const options: Record<string, string[]> = {
      ask: ['--max-turns N', '--json', '--model FILE.gguf', '--server-timeout S', '--cwd DIR'],
      prompt: ['--system-prompt P', '--cwd DIR'],
      tool: ['Read, Grep, Glob, Bash, Task', '--cwd DIR'],
      download: ['--variant QUANT', '--dir DIR'],
      mcp: ['--cwd DIR', '--scripted FILE.json', '--server-timeout S'],
    };
    for (const [command, shown] of Object.entries(options)) {
      const result = await run([command, '--help']);
      expect(result).toMatchObject({ code: 0, stderr: '' });
      expect(result.stdout).toMatch(new RegExp(`^Usage: locooperator ${command} `));
      for (const option of shown) expect(result.stdout).toContain(option);
      expect(result.stdout).not.toContain('URL …');
    }
    expect((await run(['ask', 'Where?', '-h'])).code).toBe(0);
    expect((await run(['--help'])).stdout).toContain('"locooperator COMMAND --help" lists a command\'s options.');
  });

  it('rejects bad flags with usage errors', async () => {
    expect((await run(['ask', 'q', '--max-turns', 'lots', '--scripted', 'x'])).stderr).toMatch(/--max-turns must be a positive whole number/);
    expect((await run(['frobnicate'])).code).toBe(2);
  });

  it('answers every bad command line with one line that says what to do, and status 2', async () => {
    const file = path.join(workspace.root, 'README.md');
    const script = await transcript(['unused']);
    const notJson = path.join(scratch, 'not-json.json');
    const wrongShape = path.join(scratch, 'wrong-shape.json');
    await writeFile(notJson, '[');
    await writeFile(wrongShape, '{"turn": "hi"}');
    const cases: [string[], RegExp][] = [
      [['ask', 'q', '--cwd', file, '--scripted', script], /README\.md is a file, not a folder: --cwd takes the folder to explore\./],
      [['mcp', '--cwd', file, '--scripted', script], /README\.md is a file, not a folder/],
      [['ask', 'q', '--cwd', '', '--scripted', script], /--cwd needs a folder, not an empty value\./],
      [['ask', 'q', '--scripted', script, '--cwd'], /--cwd needs a value; see locooperator ask --help\./],
      [['ask', 'q', '--max-turns', '-1', '--scripted', script], /--max-turns must be a positive whole number, not "-1"\./],
      [['ask', 'q', '--threads', '-2', '--model', 'm.gguf'], /--threads must be a positive whole number, not "-2"\./],
      [['ask', 'q', '--context-size', '-5', '--scripted', script], /--context-size must be a positive whole number, not "-5"\./],
      [['ask', 'q', '--context-size', 'abc', '--scripted', script], /--context-size must be a positive whole number, not "abc"\./],
      [['ask', 'q', '--threads', 'abc', '--scripted', script], /--threads goes with the model this machine runs \(--model\)/],
      [['ask', 'q', '--context-size', '10', '--model', 'm.gguf'], /--context-size must be at least 512 tokens, not 10\./],
      [['ask', 'q', '--scripted', path.join(scratch, 'missing.json')], /Cannot read the scripted transcript .*missing\.json: there is no such file\./],
      [['ask', 'q', '--scripted', notJson], /The scripted transcript .*not-json\.json is not JSON/],
      [['mcp', '--scripted', wrongShape], /wrong-shape\.json is not a scripted transcript: it holds a list of turns/],
      [['ask', 'q', '--bogus', '--scripted', script], /ask has no option --bogus; see locooperator ask --help\./],
      [['ask', 'q', '--json=yes', '--scripted', script], /--json takes no value/],
      [['ask', 'q', '--server-timeout', '5', '--scripted', script], /--server-timeout goes with --server URL\./],
      [['ask', 'q', '--server', 'http://127.0.0.1:9', '--server-timeout', 'soon'], /--server-timeout must be a whole number of seconds \(0 waits for ever\)/],
      [['ask', 'q', '--server-connect-timeout', '5', '--scripted', script], /--server-connect-timeout goes with --server URL\./],
      [['download', '--dir', path.join(file, 'models')], /README\.md is a file, not a folder: --dir takes the folder to download into\./],
      [['download', '--variant', 'Q9'], /Unknown variant "Q9"/],
      [['tool', 'Read', '{}', 'extra'], /tool takes a name and one JSON argument/],
    ];
    for (const [args, message] of cases) {
      const result = await run(args);
      expect({ args, code: result.code, stderr: result.stderr }).toEqual({ args, code: 2, stderr: expect.stringMatching(message) });
      expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    }
  });

  it.skipIf(process.getuid?.() === 0)('refuses a --cwd folder it cannot read', async () => {
    const locked = await mkdtemp(path.join(scratch, 'locked-'));
    await chmod(locked, 0o000);
    const result = await run(['ask', 'q', '--cwd', locked, '--scripted', await transcript(['unused'])]);
    await chmod(locked, 0o700);
    expect(result).toMatchObject({ code: 2, stderr: expect.stringMatching(/cannot be read \(permission denied\)/) });
  });

  it('gives up on a server that takes the question and never answers after --server-timeout, and says so', async () => {
    const silent = await startFakeServer({ ...llamaServerIdentity(), 'POST /completion': neverAnswers });
    try {
      const result = await run(['ask', 'q', '--cwd', workspace.root, '--server', silent.url, '--server-kind', 'llama-server', '--server-timeout', '1']);
      expect(result.code).toBe(1);
      // The run had begun (the server said who it is): it ends as a run, with the reason.
      expect(result.stdout).toMatch(/ error: The llama-server at http:\/\/127\.0\.0\.1:\d+ has not begun to answer: nothing came for 1 s\. .*; to wait longer, raise --server-timeout SECONDS\.\]$/m);
    } finally {
      await silent.close();
    }
  });

  it('gives up on a server that takes connections and never answers after --server-connect-timeout, and says so', async () => {
    const silent = await startFakeServer({ 'GET /props': neverAnswers });
    try {
      const result = await run(['ask', 'q', '--cwd', workspace.root, '--server', silent.url, '--server-connect-timeout', '1']);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/^locooperator: The server at http:\/\/127\.0\.0\.1:\d+ took the connection but has not answered within 1 s .*\(--server-connect-timeout SECONDS sets this limit\.\)$/m);
      expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    } finally {
      await silent.close();
    }
  });

  it('gives up on a connection that is never made after --server-connect-timeout, and says so', async () => {
    const mute = await startMuteTcpServer();
    try {
      const result = await run(['ask', 'q', '--cwd', workspace.root, '--server', `https://127.0.0.1:${mute.port}`, '--server-connect-timeout', '1']);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/^locooperator: Cannot reach the server at https:\/\/127\.0\.0\.1:\d+: no connection within 1 s\. .*\(--server-connect-timeout SECONDS sets this limit\.\)$/m);
    } finally {
      await mute.close();
    }
  });
});
