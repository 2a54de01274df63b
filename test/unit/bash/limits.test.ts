import { execFileSync, spawn } from 'node:child_process';
import { mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_OUTPUT_CHARS } from '../../../src/tools/bash/worker/output';
import { runBash } from './workspace';

describe('Bash tool bounds: huge files, FIFOs, timeouts, cancellation', () => {
  let root: string;
  const bigLines = 150_000;

  beforeAll(async () => {
    root = await realpath(await mkdtemp(path.join(tmpdir(), 'loco-bash-limits-')));
    const lines = Array.from({ length: bigLines }, (_, i) => `line ${i} of a large log file`);
    await writeFile(path.join(root, 'big.log'), `${lines.join('\n')}\n`);
    // Sparse: 40 MB on disk costs nothing.
    execFileSync('truncate', ['-s', '40M', path.join(root, 'huge.bin')]);
    execFileSync('mkfifo', [path.join(root, 'pipe')]);
    await writeFile(path.join(root, 'small.txt'), 'one\ntwo\n');
    await writeFile(path.join(root, 'aaa.txt'), `${'a'.repeat(5000)}c\n`);
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('caps long output at 30000 characters and says how many lines were cut', async () => {
    const result = await runBash(root, { command: 'cat big.log' });
    expect(result.status).toBe('done');
    const [kept, trailer] = result.output.split('\n\n... [');
    expect(kept).toHaveLength(MAX_OUTPUT_CHARS);
    const shownLines = kept!.split('\n').length;
    expect(trailer).toBe(`${bigLines - shownLines + 1} lines truncated] ...`);
  });

  it('reads the start of a large file', async () => {
    const result = await runBash(root, { command: 'head -3 big.log' });
    expect(result.output).toBe('line 0 of a large log file\nline 1 of a large log file\nline 2 of a large log file');
  });

  it('refuses to read a file larger than it can hold, naming the size', async () => {
    const result = await runBash(root, { command: 'cat huge.bin' });
    expect(result.status).toBe('refused');
    expect(result.output).toContain('huge.bin is 40.0 MB');
  });

  it('still lists and searches around the large file', async () => {
    expect((await runBash(root, { command: 'ls' })).output).toBe('aaa.txt\nbig.log\nhuge.bin\npipe\nsmall.txt');
    expect((await runBash(root, { command: 'grep -rl two .' })).output).toBe('./small.txt');
  });

  it('refuses to open a FIFO named on the command line', async () => {
    const result = await runBash(root, { command: 'cat pipe' });
    expect(result.status).toBe('refused');
    expect(result.output).toContain('pipe is not a regular file');
  });

  it('does not block on a FIFO reached through a glob, even while a writer streams into it', async () => {
    const writer = spawn('sh', ['-c', `while :; do echo y; done > '${path.join(root, 'pipe')}'`], { stdio: 'ignore' });
    try {
      // The gate sees what the glob expands to, so the FIFO is refused before anything runs.
      for (const command of ['head -c 20 pip*', 'rg y pi?e', 'grep -r y [p]ipe']) {
        const result = await runBash(root, { command, timeout: 60_000 });
        expect(result.status, command).toBe('refused');
        expect(result.output).toContain('pipe is not a regular file');
      }
      const listing = await runBash(root, { command: 'wc -l *.log', timeout: 60_000 });
      expect(listing.output).toContain(`${bigLines} big.log`);
    } finally {
      writer.kill();
    }
  });

  it('searches a tree holding a FIFO without hanging', async () => {
    const result = await runBash(root, { command: 'grep -r zzz-not-there .', timeout: 60_000 });
    expect(result.output).toBe('(Bash completed with no output)');
  });

  it('matches pathological regular expressions in linear time, simulated or in ripgrep', async () => {
    for (const command of ["grep -cE '(a*)*b' aaa.txt", "grep -rcE '(a|aa)*b' aaa.txt", "grep -c '\\(a*\\)*b' aaa.txt"]) {
      const result = await runBash(root, { command, timeout: 20_000 });
      expect(result.output).toBe('0');
    }
  });

  it('stops a command that runs past its timeout', async () => {
    const result = await runBash(root, { command: 'sort big.log | uniq -c | sort -rn | head -1', timeout: 1 });
    expect(result.status).toBe('error');
    expect(result.output).toBe('Command timed out after 1ms');
  });

  it('stops when the run is cancelled', async () => {
    const controller = new AbortController();
    const pending = runBash(root, { command: 'sort big.log | uniq -c | sort -rn | head -1' }, controller.signal);
    setTimeout(() => controller.abort(), 5);
    const result = await pending;
    expect(result.status).toBe('error');
    expect(result.output).toBe('Command was cancelled');
  });

  it('does not start when already cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    const result = await runBash(root, { command: 'ls' }, controller.signal);
    expect(result.output).toBe('Command was cancelled');
  });

  it('accepts the timeout as a string of milliseconds and clamps it to ten minutes', async () => {
    expect((await runBash(root, { command: 'cat small.txt', timeout: '5000' })).output).toBe('one\ntwo');
    expect((await runBash(root, { command: 'cat small.txt', timeout: 9_000_000 })).output).toBe('one\ntwo');
  });
});
