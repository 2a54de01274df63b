import { mkdtemp, readdir, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runRipgrep } from '../../../src/tools/support/ripgrep';
import { mkfifo } from './fifo';

describe('runRipgrep', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await realpath(await mkdtemp(path.join(tmpdir(), 'loco-rg-')));
    await writeFile(path.join(dir, 'numbers.txt'), Array.from({ length: 5000 }, (_, i) => `n${i}`).join('\n') + '\n');
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('hands over every line and the exit status', async () => {
    const lines: string[] = [];
    const exit = await runRipgrep(['^n4', 'numbers.txt'], { cwd: dir, signal: new AbortController().signal, onLine: (line) => void lines.push(line) });
    expect(exit).toEqual({ code: 0, stderr: '', stopped: false });
    expect(lines).toHaveLength(1111);
    expect(lines[0]).toBe('n4');
  });

  it('reports "nothing found" and errors by status', async () => {
    const signal = new AbortController().signal;
    expect((await runRipgrep(['zzz', 'numbers.txt'], { cwd: dir, signal, onLine: () => {} })).code).toBe(1);
    const bad = await runRipgrep(['(', 'numbers.txt'], { cwd: dir, signal, onLine: () => {} });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('regex parse error');
    // Globs that leave nothing to search make ripgrep exit 2; that is still "nothing found".
    expect(await runRipgrep(['--glob', '*.rs', 'n'], { cwd: dir, signal, onLine: () => {} })).toEqual({ code: 1, stderr: '', stopped: false });
  });

  it('stops early when asked', async () => {
    const lines: string[] = [];
    const exit = await runRipgrep(['n', 'numbers.txt'], {
      cwd: dir,
      signal: new AbortController().signal,
      onLine: (line) => lines.push(line) < 10,
    });
    expect(exit.stopped).toBe(true);
    expect(lines).toHaveLength(10);
  });

  it('kills ripgrep when the signal aborts', async () => {
    if (process.platform !== 'linux') return;
    // ripgrep blocks reading a FIFO that nobody writes: only the abort can end this search.
    const fifo = 'blocking-fifo-for-cancellation';
    await mkfifo(path.join(dir, fifo));
    const controller = new AbortController();
    const running = runRipgrep(['x', fifo], { cwd: dir, signal: controller.signal, onLine: () => {} });
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
