import { execFileSync } from 'node:child_process';
import { mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_CALL_READ_BYTES } from '../../../src/tools/bash/limits';
import { runBash } from './workspace';

const MB = 1024 * 1024;

/** A file of `size` bytes that takes no disk: `text` at its start, zeros after. */
function sparseFile(file: string, size: string, text = ''): void {
  execFileSync('sh', ['-c', 'printf "%s" "$1" > "$2" && truncate -s "$3" "$2"', 'sh', text, file, size]);
}

describe('What the simulated commands of one call may read', () => {
  let root: string;

  beforeAll(async () => {
    root = await realpath(await mkdtemp(path.join(tmpdir(), 'loco-read-budget-')));
    sparseFile(path.join(root, 'big31.txt'), '31M');
    sparseFile(path.join(root, 'a30.txt'), '30M');
    sparseFile(path.join(root, 'b30.txt'), '30M');
    for (let i = 0; i < 20; i++) sparseFile(path.join(root, `j${i}.json`), '4M', '[]');
    // Larger than any command reads whole, with text at its start to peek at.
    sparseFile(path.join(root, 'disk.img'), '40M', 'MAGIC header of a disk image\nsecond line\n');
    await writeFile(path.join(root, 'small.txt'), 'one\ntwo\n');
    await writeFile(path.join(root, 'small.json'), '{"a": 1}\n');
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  /** The worker that refused is still there and answers. */
  async function stillAnswers(): Promise<void> {
    expect((await runBash(root, { command: 'cat small.txt' })).output).toBe('one\ntwo');
  }

  it('refuses sort over one file named many times, before reading any, and goes on answering', async () => {
    const result = await runBash(root, { command: `sort ${Array(60).fill('big31.txt').join(' ')} | tail -1` });
    expect(result.status).toBe('refused');
    expect(result.output).toMatch(/^Command refused: the files named add up to 1860\.0 MB, more than sort reads here \(64 MB\); name fewer files, or search them with rg\. /);
    await stillAnswers();
  });

  it('refuses diff of two large files, which would align every line of one with the other', async () => {
    const result = await runBash(root, { command: 'diff a30.txt b30.txt' });
    expect(result.output).toMatch(/^Command refused: the files named add up to 60\.0 MB, more than diff reads here \(8 MB\)/);
    await stillAnswers();
  });

  it('refuses jq -s over many files together', async () => {
    const files = Array.from({ length: 20 }, (_, i) => `j${i}.json`).join(' ');
    const result = await runBash(root, { command: `jq -s length ${files}` });
    expect(result.output).toMatch(/^Command refused: the files named add up to 80\.0 MB, more than jq reads here \(32 MB\)/);
    expect((await runBash(root, { command: 'jq -s length small.json small.json' })).output).toBe('2');
  });

  it('judges the names a command receives while it runs: xargs, $(…)', async () => {
    const viaXargs = await runBash(root, { command: `printf '%s\\n' ${Array(3).fill('big31.txt').join(' ')} | xargs sort | tail -1` });
    expect(viaXargs.output).toBe('sort: refused: the files named add up to 93.0 MB, more than sort reads here (64 MB); name fewer files, or search them with rg');
    const viaSubstitution = await runBash(root, { command: 'cat $(printf "%s " big31.txt big31.txt big31.txt) | wc -l' });
    expect(viaSubstitution.output).toBe('0\ncat: refused: the files named add up to 93.0 MB, more than cat reads here (64 MB); name fewer files, or search them with rg');
    await stillAnswers();
  });

  it('stops the reads of a call past its budget, with one line saying why', async () => {
    const each = 'wc -l big31.txt big31.txt';
    const commands = Math.ceil(MAX_CALL_READ_BYTES / (62 * MB)) + 1;
    const result = await runBash(root, { command: Array(commands).fill(each).join('; '), timeout: 120_000 });
    expect(result.output.split('\n')).toContain(
      `bash: refused: the commands of this line read more than ${MAX_CALL_READ_BYTES / MB} MB of files in all; read fewer or smaller files per call, or search them with rg`,
    );
    await stillAnswers();
  });
});

describe('head -c and wc -c on files larger than a command reads whole, as GNU answers them', () => {
  let root: string;

  beforeAll(async () => {
    root = await realpath(await mkdtemp(path.join(tmpdir(), 'loco-prefix-reads-')));
    sparseFile(path.join(root, 'disk.img'), '40M', 'MAGIC header of a disk image\nsecond line\n');
    sparseFile(path.join(root, 'huge.img'), '64G', 'another header\n');
    await writeFile(path.join(root, 'small.txt'), 'one\ntwo\n');
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  const gnu = (command: string) => execFileSync('bash', ['-c', command], { cwd: root, encoding: 'latin1' });

  it.each([
    'head -c 28 disk.img',
    'head -c 40 disk.img | wc -l',
    'head --bytes=16 huge.img',
    'head -c 5 small.txt disk.img',
    'head -q -c 6 small.txt huge.img',
    'head -v -c 3 disk.img',
    'head -c 1K disk.img | wc -c',
    'head -c 100 disk.img huge.img | wc -c',
    'wc -c disk.img',
    'wc -c huge.img',
    'wc --bytes disk.img small.txt huge.img',
    'wc -c < small.txt',
  ])('%s', async (command) => {
    const result = await runBash(root, { command });
    // The tool trims trailing whitespace and stops at NUL-free text: compare the same way.
    expect(result.output).toBe(gnu(command).trimEnd());
  });

  it('still refuses to read such a file whole', async () => {
    for (const command of ['cat disk.img', 'wc -l disk.img', 'head -c -5 disk.img', 'head -c 5 -n 2 disk.img']) {
      const result = await runBash(root, { command });
      expect(result.output, command).toContain('disk.img is 40.0 MB, more than this tool reads (32 MB)');
    }
  });
});
