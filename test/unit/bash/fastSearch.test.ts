import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, realpath, rm, symlink, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { followsLinks, grepToRipgrep } from '../../../src/tools/bash/shell/grepTranslation';
import { runBash } from './workspace';

/**
 * `grep -r`, `grep -R` and `rg` in the Bash tool are served by ripgrep. GNU grep -R follows every
 * link: round a `loop -> .` until the time runs out, and out of the workspace.
 */
describe('the Bash search fast path with links and huge files', () => {
  let base: string;
  let root: string;
  const secret = `CANARY-${randomUUID()}`;

  beforeAll(async () => {
    base = await realpath(await mkdtemp(path.join(tmpdir(), 'loco-fast-')));
    await writeFile(path.join(base, 'canary.txt'), `${secret} needle\n`);
    root = path.join(base, 'workspace');
    await mkdir(path.join(root, 'sub'), { recursive: true });
    await writeFile(path.join(root, 'sub', 'a.txt'), 'needle\n');
    await symlink('.', path.join(root, 'loop'));
    await symlink('..', path.join(root, 'sub', 'up'));
    await symlink(base, path.join(root, 'out'));
    await symlink(path.join(base, 'canary.txt'), path.join(root, 'canary-link'));
  });
  afterAll(() => rm(base, { recursive: true, force: true }));

  it.each(['grep -R needle .', 'grep -rR needle', 'grep --dereference-recursive -n needle .', 'grep -r needle .', 'rg needle', 'rg -uuu needle'])(
    '%s finds the file once, follows no link and stays inside',
    async (command) => {
      const result = await runBash(root, { command, timeout: 20_000 });
      expect(result.output).not.toContain(secret);
      expect(result.output).not.toContain('loop/');
      expect(result.output).not.toContain('up/');
      expect(result.output).toMatch(/^(\.\/)?sub\/a\.txt:(1:)?needle$/);
    },
  );

  it('refuses -R where ripgrep cannot serve the other options, rather than let the simulated grep follow links', async () => {
    const result = await runBash(root, { command: 'grep -R -Z needle .', timeout: 20_000 });
    expect(result.output).toContain('grep: -R follows symbolic links, which this tool does not; use -r');
    expect(result.output).not.toContain(secret);
    // -r with options ripgrep cannot serve goes to the simulated grep, which follows no link either.
    const simulated = await runBash(root, { command: 'grep -r -Z needle .', timeout: 20_000 });
    expect(simulated.output).not.toContain(secret);
    expect(simulated.output).not.toContain('loop/');
  });

  it('translates -R as -r and knows which command lines ask to follow links', () => {
    expect(grepToRipgrep(['-R', 'x', '.'])).toEqual(grepToRipgrep(['-r', 'x', '.']));
    expect(grepToRipgrep(['--dereference-recursive', 'x'])).toEqual(grepToRipgrep(['--recursive', 'x']));
    expect(followsLinks(['-nR', 'x'])).toBe(true);
    expect(followsLinks(['--dereference-recursive', 'x'])).toBe(true);
    expect(followsLinks(['-rn', 'x', '--', '-R'])).toBe(false);
    expect(followsLinks(['-r', '-e', 'R'])).toBe(false);
  });

  it('answers rg --text over a sparse file of many gigabytes within its timeout, keeping memory small', async () => {
    const sparse = path.join(root, 'sub', 'disk.img');
    await writeFile(sparse, 'needle at the start\n');
    await truncate(sparse, 50 * 1024 ** 3);
    try {
      // Under the programs' address-space limit ripgrep cannot map 50 GB, so it reads the holes as
      // one endless line: the tool's timeout or the limit ends it, whichever this machine reaches
      // first, and neither lets it hold more than the limit.
      const result = await runBash(root, { command: 'rg --text -c zzz sub/disk.img', timeout: 1_000 });
      expect(result.output).toMatch(/^(Command timed out after 1s|Exit code 2\nmemory allocation of \d+ bytes failed)$/);
    } finally {
      await rm(sparse, { force: true });
    }
  });
});
