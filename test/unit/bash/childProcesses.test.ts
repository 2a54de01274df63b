import { execFileSync, spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, readlink, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as esbuild from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commonJsNodeBundle } from '../../../scripts/nodeBundle.mjs';
import { createBashTool } from '../../../src/tools/bash';
import { BashWorkerPool } from '../../../src/tools/bash/worker/pool';
import { CHILD_ADDRESS_SPACE_BYTES, execFileOwned, treeKill } from '../../../src/tools/support/ownedProcess';
import { runBash } from './workspace';

const PROJECT = path.resolve(__dirname, '../../..');

interface ProcessEntry {
  pid: number;
  command: string;
  /** The kernel's state letter: Z for a zombie, dead but not yet collected by its parent. */
  state: string;
}

/**
 * The processes a test left: every descendant of this process, and any process (a child
 * reparented after its parent died) working in `root`, which only the tests' programs do.
 */
async function processesOf(root: string): Promise<ProcessEntry[]> {
  const all = new Map<number, { ppid: number; entry: ProcessEntry; cwd?: string }>();
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = await readFile(`/proc/${name}/stat`, 'utf8');
      // The command sits in parentheses and may hold spaces; the fields after it are fixed.
      const close = stat.lastIndexOf(')');
      const [state = '', ppid = '0'] = stat.slice(close + 2).split(' ');
      const cwd = await readlink(`/proc/${name}/cwd`).catch(() => undefined);
      all.set(Number(name), { ppid: Number(ppid), cwd, entry: { pid: Number(name), command: stat.slice(stat.indexOf('(') + 1, close), state } });
    } catch {
      // It ended while the list was read.
    }
  }
  const descends = (pid: number): boolean => {
    for (let at = all.get(pid)?.ppid; at !== undefined && at > 1; at = all.get(at)?.ppid) if (at === process.pid) return true;
    return false;
  };
  return [...all.values()]
    .filter(({ entry, cwd }) => (cwd !== undefined && (cwd === root || cwd.startsWith(`${root}/`))) || descends(entry.pid))
    .map(({ entry }) => entry);
}

/** The programs (ripgrep, git, the shell that starts them) among `entries`. */
function programs(entries: ProcessEntry[]): ProcessEntry[] {
  return entries.filter((entry) => /^(rg|git|sh|sleep|yes)$/.test(entry.command));
}

/** Waits until `check` holds, for at most `limitMs`; returns whether it did. */
async function eventually(check: () => Promise<boolean>, limitMs = 10_000): Promise<boolean> {
  for (const started = Date.now(); Date.now() - started < limitMs; await new Promise((resolve) => setTimeout(resolve, 20))) {
    if (await check()) return true;
  }
  return check();
}

/** Bundles a small TypeScript entry inside the project (so that packages resolve) and returns its path. */
async function bundle(dir: string, name: string, contents: string): Promise<string> {
  const outfile = path.join(dir, `${name}.js`);
  await esbuild.build({ ...commonJsNodeBundle, stdin: { contents, resolveDir: PROJECT, loader: 'ts' }, outfile });
  return outfile;
}

describe.runIf(process.platform === 'linux')('A call owns the programs it starts', () => {
  let root: string;
  let bundles: string;
  let huge: string;

  beforeAll(async () => {
    root = await realpath(await mkdtemp(path.join(tmpdir(), 'loco-owned-')));
    bundles = path.join(PROJECT, 'node_modules', '.cache', 'locooperator-owned-process', String(process.pid));
    await mkdir(bundles, { recursive: true });
    // A terabyte of zeros that takes no disk: ripgrep searches a file named to it to the end,
    // for minutes, in a few megabytes.
    huge = path.join(root, 'huge.img');
    execFileSync('truncate', ['-s', '1T', huge]);
    await writeFile(path.join(root, 'small.txt'), 'one\n');
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
    await rm(bundles, { recursive: true, force: true });
  });

  const running = async () => programs(await processesOf(root)).filter((entry) => entry.state !== 'Z');
  const noneLeft = async () => programs(await processesOf(root)).length === 0;

  it('kills ripgrep when a command times out, and leaves no process behind', async () => {
    const result = await runBash(root, { command: 'rg zzz huge.img', timeout: 1500 });
    expect(result.output).toBe('Command timed out after 1.5s');
    expect(await eventually(noneLeft)).toBe(true);
  });

  it('kills ripgrep when the run is stopped, and leaves no process behind', async () => {
    const controller = new AbortController();
    const pending = runBash(root, { command: 'rg zzz huge.img' }, controller.signal);
    expect(await eventually(async () => (await running()).some((entry) => entry.command === 'rg'))).toBe(true);
    controller.abort();
    expect((await pending).output).toBe('Command was cancelled');
    expect(await eventually(noneLeft)).toBe(true);
  });

  it('kills the programs of a worker that dies while they run', async () => {
    // A worker that starts ripgrep the way the shell does, then fails.
    const crashing = await bundle(
      bundles,
      'crashing-worker',
      `
      import { parentPort, workerData } from 'node:worker_threads';
      import { rgPath } from '@vscode/ripgrep';
      import { ChildSlots, recordChildrenIn, spawnOwned } from './src/tools/support/ownedProcess';
      recordChildrenIn(new ChildSlots(workerData.childSlots));
      parentPort!.on('message', (request: { cwd: string }) => {
        spawnOwned(rgPath, ['zzz', 'huge.img'], { cwd: request.cwd, env: {} });
        setTimeout(() => process.exit(3), 300);
      });
      `,
    );
    const tool = createBashTool(new BashWorkerPool(crashing));
    const result = await tool.run({ command: 'rg zzz huge.img' }, { cwd: root, roots: [root], signal: new AbortController().signal });
    expect(result.output).toBe('Exit code 1\nbash: the shell stopped unexpectedly (exit code 3)');
    // Nothing is left to collect a dead worker's children: they end as zombies of this process.
    expect(await eventually(async () => (await running()).length === 0)).toBe(true);
  });

  it('kills the programs still running when the process exits or is killed', async () => {
    const host = await bundle(
      bundles,
      'exiting-host',
      `
      import { bashTool } from './src/tools/bash';
      const root = process.argv[2]!;
      void bashTool.run({ command: 'rg zzz huge.img' }, { cwd: root, roots: [root], signal: new AbortController().signal });
      // Exits while ripgrep runs, when the test says so.
      process.stdin.once('data', () => process.exit(0));
      `,
    );
    for (const end of ['exits', 'is killed'] as const) {
      const child = spawn(process.execPath, [host, root], { stdio: ['pipe', 'ignore', 'ignore'] });
      expect(await eventually(async () => (await running()).some((entry) => entry.command === 'rg'))).toBe(true);
      // A crashed host runs no exit handler: the kernel ends its programs.
      if (end === 'exits') child.stdin.write('exit\n');
      else child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
      expect({ end, left: await eventually(async () => (await running()).length === 0) }).toEqual({ end, left: true });
    }
  });

  /** execFileOwned as a promise of its callback's arguments. */
  const runOwned = (file: string, args: string[], options: { maxBuffer?: number; signal?: AbortSignal } = {}) =>
    new Promise<{ code: unknown; stdout: string; stderr: string }>((resolve) =>
      execFileOwned(file, args, { cwd: root, env: {}, maxBuffer: options.maxBuffer ?? 65_536, signal: options.signal }, (error, stdout, stderr) =>
        resolve({ code: error?.code ?? 0, stdout, stderr }),
      ),
    );

  it('runs a program as execFile does: its output, its status, a missing program', async () => {
    expect(await runOwned('/bin/sh', ['-c', 'echo out; echo err >&2; exit 3'])).toEqual({ code: 3, stdout: 'out\n', stderr: 'err\n' });
    expect(await runOwned('/bin/sh', ['-c', 'echo fine'])).toEqual({ code: 0, stdout: 'fine\n', stderr: '' });
    expect((await runOwned(path.join(root, 'no-such-program'), [])).code).toBe('ENOENT');
  });

  it('kills the whole tree of a program that is stopped or writes too much, grandchildren too', async () => {
    // The shell works in root and leaves a sleeping grandchild there; neither may outlive the call.
    const controller = new AbortController();
    const pending = runOwned('/bin/sh', ['-c', 'sleep 1000 & sleep 1000'], { signal: controller.signal });
    expect(await eventually(async () => (await running()).filter((entry) => entry.command === 'sleep').length === 2)).toBe(true);
    controller.abort();
    expect((await pending).code).toBe('ABORT_ERR');
    // The grandchild is reparented when the shell dies, and collected by whoever adopts it.
    expect(await eventually(async () => (await running()).length === 0)).toBe(true);

    const flood = await runOwned('/bin/sh', ['-c', 'sleep 1000 & yes'], { maxBuffer: 1000 });
    expect(flood.code).toBe('ERR_CHILD_PROCESS_STDIO_MAXBUFFER');
    expect(flood.stdout).toBe('y\n'.repeat(500));
    expect(await eventually(async () => (await running()).length === 0)).toBe(true);
  });

  it('starts every program under an address-space limit', async () => {
    const limits = await new Promise<string>((resolve, reject) =>
      execFileOwned('/bin/cat', ['/proc/self/limits'], { cwd: root, env: {}, maxBuffer: 65_536 }, (error, stdout) => (error ? reject(error) : resolve(stdout))),
    );
    expect(limits).toMatch(new RegExp(`^Max address space +${CHILD_ADDRESS_SPACE_BYTES} +${CHILD_ADDRESS_SPACE_BYTES} +bytes`, 'm'));
  });

  it('starts a program that opens no file without the limit, and it still ends with a host that is killed', async () => {
    const host = await bundle(
      bundles,
      'listing-host',
      `
      import { spawnOwned } from './src/tools/support/ownedProcess';
      const child = spawnOwned('/bin/sleep', ['1000'], { cwd: process.argv[2]!, env: {}, readsFiles: false });
      process.stdout.write(child.pid + '\\n');
      `,
    );
    const child = spawn(process.execPath, [host, root], { stdio: ['ignore', 'pipe', 'ignore'] });
    const pid = (await new Promise<string>((resolve) => child.stdout.once('data', (chunk: Buffer) => resolve(chunk.toString())))).trim();
    // The pid is setpriv's until it has started the program in its place.
    expect(await eventually(async () => (await readFile(`/proc/${pid}/comm`, 'utf8')) === 'sleep\n')).toBe(true);
    expect(await readFile(`/proc/${pid}/limits`, 'utf8')).toMatch(/^Max address space +unlimited +unlimited +bytes/m);
    child.kill('SIGKILL');
    expect(await eventually(async () => (await running()).length === 0)).toBe(true);
  });

  it('stops ripgrep that would hold a line of gigabytes at the limit, and searches other files as before', async () => {
    const sparse = await runBash(root, { command: 'rg --text zzz huge.img', timeout: 60_000 });
    expect(sparse.output).toMatch(/^Exit code 2\nmemory allocation of \d+ bytes failed$/);
    expect((await runBash(root, { command: 'rg -c one small.txt' })).output).toBe('1');
  });
});

describe('How a process tree is killed', () => {
  it('signals the process group on POSIX systems', () => {
    expect(treeKill(4242, 'linux')).toEqual({ kind: 'group', pid: 4242 });
    expect(treeKill(4242, 'darwin')).toEqual({ kind: 'group', pid: 4242 });
  });

  it('runs taskkill from the system folder on Windows, over the whole tree', () => {
    expect(treeKill(4242, 'win32', 'D:\\Windows')).toEqual({ kind: 'program', file: 'D:\\Windows\\System32\\taskkill.exe', args: ['/PID', '4242', '/T', '/F'] });
    expect(treeKill(7, 'win32', undefined)).toMatchObject({ file: 'C:\\Windows\\System32\\taskkill.exe' });
  });
});
