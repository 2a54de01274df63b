import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_LINE_CHARS, runRipgrep } from '../../../src/tools/support/ripgrep';
import { mkfifo } from './fifo';

/** Long enough for any search these tests run; the time-limit test sets its own. */
const timeLimitMs = 60_000;

describe('runRipgrep', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await realpath(await mkdtemp(path.join(tmpdir(), 'loco-rg-')));
    await writeFile(path.join(dir, 'numbers.txt'), Array.from({ length: 5000 }, (_, i) => `n${i}`).join('\n') + '\n');
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('hands over every line and the exit status', async () => {
    const lines: string[] = [];
    const exit = await runRipgrep(['^n4', 'numbers.txt'], { cwd: dir, signal: new AbortController().signal, timeLimitMs, onLine: (line) => void lines.push(line) });
    expect(exit).toEqual({ code: 0, stderr: '', stopped: false, timedOut: false });
    expect(lines).toHaveLength(1111);
    expect(lines[0]).toBe('n4');
  });

  it('reports "nothing found" and errors by status', async () => {
    const signal = new AbortController().signal;
    expect((await runRipgrep(['zzz', 'numbers.txt'], { cwd: dir, signal, timeLimitMs, onLine: () => {} })).code).toBe(1);
    const bad = await runRipgrep(['(', 'numbers.txt'], { cwd: dir, signal, timeLimitMs, onLine: () => {} });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('regex parse error');
    // Globs that leave nothing to search make ripgrep exit 2; that is still "nothing found".
    expect(await runRipgrep(['--glob', '*.rs', 'n'], { cwd: dir, signal, timeLimitMs, onLine: () => {} })).toEqual({ code: 1, stderr: '', stopped: false, timedOut: false });
  });

  it('stops early when asked', async () => {
    const lines: string[] = [];
    const exit = await runRipgrep(['n', 'numbers.txt'], {
      cwd: dir,
      signal: new AbortController().signal,
      timeLimitMs,
      onLine: (line) => lines.push(line) < 10,
    });
    expect(exit.stopped).toBe(true);
    expect(lines).toHaveLength(10);
  });

  it('keeps only the start of a very long output line, and the lines after it whole', async () => {
    await writeFile(path.join(dir, 'one-long-line.txt'), `${'x'.repeat(3 * MAX_LINE_CHARS + 17)}\nshort\n`);
    const lines: string[] = [];
    const exit = await runRipgrep(['', 'one-long-line.txt'], { cwd: dir, signal: new AbortController().signal, timeLimitMs, onLine: (line) => void lines.push(line) });
    expect(exit.code).toBe(0);
    expect(lines).toEqual(['x'.repeat(MAX_LINE_CHARS), 'short']);
  });

  it('stops ripgrep at its time limit and says so', async () => {
    if (process.platform !== 'linux') return;
    const fifo = 'fifo-for-the-time-limit';
    await mkfifo(path.join(dir, fifo));
    const exit = await runRipgrep(['x', fifo], { cwd: dir, signal: new AbortController().signal, timeLimitMs: 200, onLine: () => {} });
    expect(exit).toMatchObject({ timedOut: true, stopped: false });
    await waitFor(async () => (await ripgrepProcessesNaming(fifo)).length === 0);
  });

  it("gives ripgrep none of the extension host's environment", async () => {
    if (process.platform !== 'linux') return;
    // /proc/self/environ is one line to ripgrep; were the variable inherited, its `[z-a]` (a range
    // backwards) would make that line an invalid glob, and ripgrep would quote it on stderr.
    const secret = `ENV-CANARY-${randomUUID()}`;
    process.env.LOCOOPERATOR_CANARY_SECRET = `${secret}[z-a]`;
    try {
      const exit = await runRipgrep(['--ignore-file', '/proc/self/environ', '--files'], { cwd: dir, signal: new AbortController().signal, timeLimitMs, onLine: () => {} });
      expect(exit.stderr).toBe('');
    } finally {
      delete process.env.LOCOOPERATOR_CANARY_SECRET;
    }
  });

  it('reads no ignore file above the folder it searches, and no config file', async () => {
    const above = path.join(dir, 'above');
    const inside = path.join(above, 'workspace');
    await mkdir(inside, { recursive: true });
    await writeFile(path.join(above, '.ignore'), '*.txt\n');
    await writeFile(path.join(inside, 'kept.txt'), 'kept\n');
    process.env.RIPGREP_CONFIG_PATH = path.join(above, '.ignore');
    try {
      const files: string[] = [];
      await runRipgrep(['--files'], { cwd: inside, signal: new AbortController().signal, timeLimitMs, onLine: (line) => void files.push(line) });
      expect(files).toEqual(['kept.txt']);
    } finally {
      delete process.env.RIPGREP_CONFIG_PATH;
    }
  });

  it('kills ripgrep when the signal aborts', async () => {
    if (process.platform !== 'linux') return;
    // ripgrep blocks reading a FIFO that nobody writes: only the abort can end this search.
    const fifo = 'blocking-fifo-for-cancellation';
    await mkfifo(path.join(dir, fifo));
    const controller = new AbortController();
    const running = runRipgrep(['x', fifo], { cwd: dir, signal: controller.signal, timeLimitMs, onLine: () => {} });
    await waitFor(async () => (await ripgrepProcessesNaming(fifo)).length > 0);
    controller.abort(new Error('cancelled by the user'));
    await expect(running).rejects.toThrow('cancelled by the user');
    await waitFor(async () => (await ripgrepProcessesNaming(fifo)).length === 0);
  });
});

/** Live ripgrep processes given this name as an argument (Linux /proc; zombies do not count). */
async function ripgrepProcessesNaming(name: string): Promise<string[]> {
  const found: string[] = [];
  for (const pid of await readdir('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    const commandLine = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (commandLine.includes('/rg\0') && commandLine.includes(`\0${name}\0`)) found.push(pid);
  }
  return found;
}

/** Polls a condition; the test fails by its own timeout if the condition never holds. */
async function waitFor(condition: () => Promise<boolean>): Promise<void> {
  while (!(await condition())) await new Promise((resolve) => setTimeout(resolve, 20));
}
