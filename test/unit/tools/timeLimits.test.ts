import { mkdir, mkdtemp, realpath, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeGlobTool } from '../../../src/tools/glob';
import { makeGrepTool } from '../../../src/tools/grep';
import { makeReadTool, READ_MAX_SCAN_BYTES, readTool } from '../../../src/tools/read';
import { contextFor } from './toolTestKit';

/**
 * Files that took the tools minutes: a 50 GB sparse file (instant to make, holes read as NULs) with
 * a few lines of text at its start, and lines far longer than any window. The limits are injected
 * small where the real ones would make the test slow; the assertions are on outcomes, not on time.
 */
describe('time and size limits of Read, Grep and Glob', () => {
  let root: string;
  let sparse: string;
  const textAtStart = Array.from({ length: 1000 }, (_, i) => `line ${i + 1} of readable text`).join('\n') + '\n';

  beforeAll(async () => {
    root = await realpath(await mkdtemp(path.join(tmpdir(), 'loco-limits-')));
    sparse = path.join(root, 'huge', 'disk.log');
    await mkdir(path.dirname(sparse));
    await writeFile(sparse, textAtStart);
    await truncate(sparse, 50 * 1024 ** 3);
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it('Read refuses an offset it cannot reach within the scan limit, at once', async () => {
    const result = await readTool.run({ file_path: sparse, offset: 2_000_000, limit: 10 }, contextFor(root));
    expect(result.status).toBe('error');
    expect(result.output).toBe(
      'Read scans at most the first 64MB of a file and did not reach line 2000000 there. ' +
        'Use Grep with output_mode "content" (and -C for context) to find the lines you need in a file this large.',
    );
    expect(READ_MAX_SCAN_BYTES).toBe(64 * 1024 * 1024);
  });

  it('Read still shows lines near the start of a huge file', async () => {
    const result = await readTool.run({ file_path: sparse, offset: 999, limit: 2 }, contextFor(root));
    expect(result.output).toBe('   999→line 999 of readable text\n  1000→line 1000 of readable text');
  });

  it('Read stops at its time limit with a clear message', async () => {
    // No scan limit to speak of: only the clock can end a read of 50 GB.
    const slowRead = makeReadTool({ maxScanBytes: Number.MAX_SAFE_INTEGER, timeLimitMs: 50 });
    const result = await slowRead.run({ file_path: sparse, offset: 5_000, limit: 1 }, contextFor(root));
    expect(result.status).toBe('error');
    expect(result.output).toBe(
      'Read stopped after 0.05 seconds without reaching line 5000. ' +
        'Use Grep with output_mode "content" (and -C for context) to find the lines you need in a file this large.',
    );
  });

  it('Read shows the start of a line longer than the scan limit and says where it stopped', async () => {
    const file = path.join(root, 'one-line.txt');
    await writeFile(file, `first\n${'y'.repeat(300_000)}\nthird\n`);
    const smallScan = makeReadTool({ maxScanBytes: 128 * 1024, timeLimitMs: 30_000 });
    const result = await smallScan.run({ file_path: file, offset: 1, limit: 3 }, contextFor(root));
    expect(result.output).toBe(
      `     1→first\n     2→${'y'.repeat(2000)}\n` +
        '<system-reminder>Read stopped after the first 128KB of the file; lines after 2 were not read.</system-reminder>',
    );
  });

  it('Grep stops at its time limit with a clear message', async () => {
    // Named explicitly, a file with NULs is searched to its end: 50 GB of them.
    const quickGrep = makeGrepTool({ timeLimitMs: 300 });
    const result = await quickGrep.run({ pattern: 'never-there', path: sparse }, contextFor(root));
    expect(result.status).toBe('error');
    expect(result.output).toBe(
      '<tool_use_error>Grep stopped after 0.3 seconds without finishing. ' +
        'Search a smaller path, narrow the files with glob or type, or use a more specific pattern.</tool_use_error>',
    );
  });

  it('Glob stops at its time limit with a clear message', async () => {
    const noTime = makeGlobTool({ timeLimitMs: 0 });
    const result = await noTime.run({ pattern: '**/*.log' }, contextFor(root));
    expect(result.output).toBe(
      '<tool_use_error>Glob stopped after 0 seconds without finishing. Use a more specific path or pattern.</tool_use_error>',
    );
  });

  it('Grep passes over a huge file of NULs met in a folder, as ripgrep skips binary files there', async () => {
    const result = await makeGrepTool({ timeLimitMs: 60_000 }).run({ pattern: 'line 7 of', path: root }, contextFor(root));
    expect(result.output).toBe('No files found');
  });
});
