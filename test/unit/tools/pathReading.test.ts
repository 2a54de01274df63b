import { mkdir, mkdtemp, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readPath, readPathSync, type PathReading } from '../../../src/tools/support/workspacePaths';
import { makeOverlongPath } from '../../fakes/overlongPath';

/**
 * The one reading of a path: where the kernel would land, name by name. Each case is read both
 * ways (readPath and readPathSync are one walk), and both must agree.
 */
describe('the one reading of a path', () => {
  let root: string;
  let outside: string;

  beforeAll(async () => {
    root = await realpath(await mkdtemp(path.join(tmpdir(), 'loco-reading-')));
    outside = await realpath(await mkdtemp(path.join(tmpdir(), 'loco-reading-outside-')));
    await mkdir(path.join(root, 'sub', 'inner'), { recursive: true });
    await writeFile(path.join(root, 'sub', 'f.txt'), 'sub f\n');
    await writeFile(path.join(root, 'f.txt'), 'root f\n');
    await writeFile(path.join(outside, 'secret.txt'), 'secret\n');
    // A link one level down whose `..` is, for the kernel, the folder above its target.
    await symlink(path.join(root, 'sub', 'inner'), path.join(root, 'deep'));
    await symlink('sub/inner', path.join(root, 'relative-deep'));
    await symlink(outside, path.join(root, 'out'));
    await symlink('/etc', path.join(root, 'etc-link'));
    await symlink('/proc/self/cwd/secret.txt', path.join(root, 'through-proc'));
    await symlink('../../../../../../../../../../../../proc/self/environ', path.join(root, 'climbs-to-proc'));
    await symlink('loop-b', path.join(root, 'loop-a'));
    await symlink('loop-a', path.join(root, 'loop-b'));
    await symlink('sub/nothing-here', path.join(root, 'dangling'));
    await symlink(path.join(root, 'sub'), path.join(root, 'in'));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
    await rm(outside, { recursive: true, force: true });
  });

  const read = async (given: string, cwd = root): Promise<PathReading> => {
    const sync = readPathSync(given, cwd, [root]);
    expect(await readPath(given, cwd, [root])).toEqual(sync);
    return sync;
  };

  it('takes `..` after a link physically, as the kernel does', async () => {
    expect(await read('deep/../f.txt')).toEqual({ kind: 'resolved', real: path.join(root, 'sub', 'f.txt'), exists: true });
    expect(await read('relative-deep/../f.txt')).toEqual({ kind: 'resolved', real: path.join(root, 'sub', 'f.txt'), exists: true });
    expect(await read(`${root}/deep/../../f.txt`)).toEqual({ kind: 'resolved', real: path.join(root, 'f.txt'), exists: true });
  });

  it('lands outside through a link, with `..` or without', async () => {
    expect(await read('out/secret.txt')).toEqual({ kind: 'outside' });
    expect(await read('etc-link/../etc/passwd')).toEqual({ kind: 'outside' });
    expect(await read('etc-link/../proc/self/environ')).toEqual({ kind: 'outside' });
  });

  it('counts a link through /proc as outside, however it is written and whether or not it resolves here', async () => {
    expect(await read('through-proc')).toEqual({ kind: 'outside' });
    expect(await read('climbs-to-proc')).toEqual({ kind: 'outside' });
    expect(await read('/proc/self/cwd/f.txt', '/')).toEqual({ kind: 'outside' });
  });

  it('follows a link that stays inside', async () => {
    expect(await read('in/f.txt')).toEqual({ kind: 'resolved', real: path.join(root, 'sub', 'f.txt'), exists: true });
    expect(await read('in')).toEqual({ kind: 'resolved', real: path.join(root, 'sub'), exists: true });
  });

  it('judges only a missing name by its folder, and keeps no text after it', async () => {
    expect(await read('sub/new.txt')).toEqual({ kind: 'resolved', real: path.join(root, 'sub', 'new.txt'), exists: false });
    // A program given `real` fails where the kernel fails on the whole path; the `..` after it is dropped.
    expect(await read('nowhere/../../../etc/passwd')).toEqual({ kind: 'resolved', real: path.join(root, 'nowhere'), exists: false });
  });

  it('refuses what cannot be resolved the way a program would open it', async () => {
    expect(await read('dangling')).toMatchObject({ kind: 'unresolvable', reason: expect.stringContaining('does not exist') });
    expect(await read('loop-a/x')).toMatchObject({ kind: 'unresolvable', reason: expect.stringContaining('too many levels of symbolic links') });
    expect(await read('f.txt/x')).toMatchObject({ kind: 'unresolvable', reason: expect.stringContaining('is not a directory') });
    expect(await read('f.txt/')).toMatchObject({ kind: 'unresolvable', reason: expect.stringContaining('is not a directory') });
    expect(await read('f.txt/..')).toMatchObject({ kind: 'unresolvable', reason: expect.stringContaining('is not a directory') });
  });

  it('refuses a path longer than the kernel resolves, instead of judging a folder above it', async () => {
    const overlong = await makeOverlongPath(root, outside);
    try {
      expect(await read(`${overlong.given}/secret.txt`)).toMatchObject({ kind: 'unresolvable', reason: expect.stringContaining('too long') });
    } finally {
      await overlong.remove();
    }
  });

  it('reports failures outside the workspace as outside, not by their cause', async () => {
    // A missing place outside is resolved as missing there: the caller's confinement refuses it.
    expect(await read('/root-does-not-exist/x/y', '/')).toEqual({ kind: 'resolved', real: '/root-does-not-exist', exists: false });
    expect(await read(`${outside}/secret.txt/x`)).toEqual({ kind: 'outside' });
  });
});
