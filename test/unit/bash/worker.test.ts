import { mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBashTool } from '../../../src/tools/bash';
import { pathRulesFor } from '../../../src/tools/support/pathRules';
import { BashWorkerPool } from '../../../src/tools/bash/worker/pool';
import { runBash } from './workspace';

/**
 * A stand-in worker: `echo` answers, `invalid` answers out of protocol, anything else spins
 * forever in synchronous code, as a pathological pattern does inside the simulated shell.
 */
const STAND_IN_WORKER = `
const { parentPort } = require('node:worker_threads');
parentPort.on('message', (request) => {
  if (request.command === 'echo') parentPort.postMessage({ type: 'bash/done', kind: 'exited', output: 'hi', exitCode: 0 });
  else if (request.command === 'invalid') parentPort.postMessage({ type: 'bash/done', kind: 'exited', output: 42 });
  else for (;;);
});
`;

describe('Bash runs off the host event loop', () => {
  let root: string;
  let standIn: string;

  beforeAll(async () => {
    root = await realpath(await mkdtemp(path.join(tmpdir(), 'loco-bash-worker-')));
    standIn = path.join(root, 'stand-in-worker.js');
    await writeFile(standIn, STAND_IN_WORKER);
    // A Next.js route folder, and a long name that makes a pattern matcher backtrack for minutes.
    await mkdir(path.join(root, 'app', '[slug]', 'parts'), { recursive: true });
    await writeFile(path.join(root, 'app', '[slug]', 'page.tsx'), 'export {};\n');
    await writeFile(path.join(root, 'app', '[slug]', 'parts', 'a.tsx'), '');
    await writeFile(path.join(root, 'app', 'page[1].tsx'), '');
    await writeFile(path.join(root, 'a'.repeat(80)), '');
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  /** Runs a call while counting the ticks of a 10 ms interval on this event loop. */
  async function withTicks<T>(call: () => Promise<T>): Promise<{ result: T; ticks: number }> {
    let ticks = 0;
    const interval = setInterval(() => ticks++, 10);
    try {
      return { result: await call(), ticks };
    } finally {
      clearInterval(interval);
    }
  }

  it('ends a command that spins at its timeout, with the event loop free meanwhile, and answers the next call', async () => {
    const tool = createBashTool(new BashWorkerPool(standIn));
    const { result, ticks } = await withTicks(() => tool.run({ command: 'spin', timeout: 500 }, { cwd: root, roots: [root], signal: new AbortController().signal }));
    expect(result.output).toBe('Command timed out after 500ms');
    expect(result.status).toBe('error');
    expect(ticks).toBeGreaterThan(5);
    const next = await tool.run({ command: 'echo' }, { cwd: root, roots: [root], signal: new AbortController().signal });
    expect(next.output).toBe('hi');
  });

  it('refuses every command on Windows, whose paths the simulated shell cannot read, and says what to use', async () => {
    const tool = createBashTool(new BashWorkerPool(standIn), pathRulesFor('win32', () => true));
    const result = await tool.run({ command: 'echo' }, { cwd: root, roots: [root], signal: new AbortController().signal });
    expect(result.status).toBe('refused');
    expect(result.output).toBe('Command refused: Bash does not run on Windows yet. Use Glob to list files, Grep to search and Read to read a file.');
    const onMac = await createBashTool(new BashWorkerPool(standIn), pathRulesFor('darwin', () => true)).run({ command: 'echo' }, { cwd: root, roots: [root], signal: new AbortController().signal });
    expect(onMac.output).toBe('hi');
  });

  it('ends a command that spins when the run is stopped', async () => {
    const tool = createBashTool(new BashWorkerPool(standIn));
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 300);
    const { result, ticks } = await withTicks(() => tool.run({ command: 'spin' }, { cwd: root, roots: [root], signal: controller.signal }));
    expect(result.output).toBe('Command was cancelled');
    expect(ticks).toBeGreaterThan(5);
  });

  it('reports a reply outside the protocol as a failure', async () => {
    const tool = createBashTool(new BashWorkerPool(standIn));
    const result = await tool.run({ command: 'invalid' }, { cwd: root, roots: [root], signal: new AbortController().signal });
    expect(result.output).toBe('Exit code 1\nbash: the shell sent an invalid reply');
  });

  it('reports a worker that cannot start as a failure', async () => {
    const tool = createBashTool(new BashWorkerPool(path.join(root, 'missing.js')));
    const result = await tool.run({ command: 'ls' }, { cwd: root, roots: [root], signal: new AbortController().signal });
    expect(result.output).toMatch(/^Exit code 1\nbash: the shell failed \(Cannot find module/);
  });

  it('runs parallel calls side by side, each in a worker of its own', async () => {
    const results = await Promise.all(['ls app', "ls 'app/[slug]'", 'ls -d app'].map((command) => runBash(root, { command })));
    expect(results.map((result) => result.output)).toEqual(['[slug]\npage[1].tsx', 'page.tsx\nparts', 'app']);
  });

  it('lists an operand that looks like a pattern as the name it is, without matching it against the tree', async () => {
    expect((await runBash(root, { command: "ls 'app/[slug]'" })).output).toBe('page.tsx\nparts');
    expect((await runBash(root, { command: 'ls -F app/\\[slug\\] app/page\\[1\\].tsx' })).output).toBe('app/page[1].tsx\n\napp/[slug]:\npage.tsx\nparts/');
    expect((await runBash(root, { command: "ls -R 'app/[slug]'" })).output).toBe('app/[slug]:\npage.tsx\nparts\n\napp/[slug]/parts:\na.tsx');
    expect((await runBash(root, { command: "ls -d 'app/[slug]'" })).output).toBe('app/[slug]');
    // Took minutes in the pattern matcher; now a missing name, answered as GNU ls does.
    const pathological = await runBash(root, { command: "ls '*a*a*a*a*a*a*a*a*a*a*c'", timeout: 20_000 });
    expect(pathological.output).toBe("Exit code 2\nls: cannot access '*a*a*a*a*a*a*a*a*a*a*c': No such file or directory");
  });
});
