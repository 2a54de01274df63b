import { chmod, mkdir, mkdtemp, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findExecutable, trustedSearchPath, type ExecutableHost } from '../../../src/tools/support/trustedExecutable';
import { pathRulesFor } from '../../../src/tools/support/pathRules';

/** A machine described by its folders (real path of each, links resolved) and executable files. */
function fakeHost(platform: NodeJS.Platform, folders: Record<string, string>, executables: readonly string[]): ExecutableHost {
  const lower = (text: string) => (platform === 'win32' ? text.toLowerCase() : text);
  return {
    platform,
    // Windows' file systems fold case: say so without asking the disk of this machine.
    rules: pathRulesFor(platform, () => true),
    realFolder: (entry) => Object.entries(folders).find(([name]) => lower(name) === lower(entry))?.[1],
    realExecutable: (file) => executables.find((name) => lower(name) === lower(file)),
  };
}

describe('trusted executables on Windows', () => {
  const folders = {
    'C:\\Program Files\\Git\\cmd': 'C:\\Program Files\\Git\\cmd',
    'C:\\Windows\\system32': 'C:\\Windows\\system32',
    'D:\\work\\repo\\bin': 'D:\\work\\repo\\bin',
    'C:\\tools\\linked': 'D:\\work\\repo\\tools',
  };
  const executables = ['C:\\Program Files\\Git\\cmd\\git.exe', 'D:\\work\\repo\\bin\\git.exe', 'D:\\work\\repo\\git.exe', 'C:\\Windows\\system32\\git.bat'];
  const host = fakeHost('win32', folders, executables);
  const roots = ['D:\\work\\repo'];

  it('takes absolute drive and UNC entries only, in order, outside every root', () => {
    const value = [
      '.',
      '',
      'bin',
      '\\rooted-on-current-drive',
      'C:relative-to-drive',
      'D:\\work\\repo\\bin',
      'd:\\WORK\\repo\\bin',
      'C:\\tools\\linked',
      '"C:\\Program Files\\Git\\cmd"',
      'C:\\Windows\\system32',
      'C:\\missing',
    ].join(';');
    expect(trustedSearchPath(value, roots, host)).toEqual(['C:\\Program Files\\Git\\cmd', 'C:\\Windows\\system32']);
  });

  it('finds git.exe only, never a .bat or .cmd, and never the current folder', () => {
    expect(findExecutable('git', ['C:\\Windows\\system32', 'C:\\Program Files\\Git\\cmd'], roots, host)).toBe('C:\\Program Files\\Git\\cmd\\git.exe');
    expect(findExecutable('git', ['C:\\Windows\\system32'], roots, host)).toBeUndefined();
    expect(findExecutable('git', ['.', 'D:\\work\\repo', 'D:\\work\\repo\\bin'], roots, host)).toBeUndefined();
  });
});

describe('trusted executables on a Mac', () => {
  const folders = { '/usr/bin': '/usr/bin', '/Users/me/App/bin': '/Users/me/App/bin', '/opt/homebrew/bin': '/opt/homebrew/bin' };
  const host = fakeHost('darwin', folders, ['/Users/me/App/bin/git', '/opt/homebrew/bin/git', '/usr/bin/git']);

  it('takes a workspace folder written in other case for the workspace, and finds git by its bare name', () => {
    expect(trustedSearchPath('/Users/me/App/bin:/opt/homebrew/bin:/usr/bin', ['/Users/me/app'], host)).toEqual(['/opt/homebrew/bin', '/usr/bin']);
    expect(findExecutable('git', ['/Users/me/App/bin', '/opt/homebrew/bin'], ['/Users/me/app'], host)).toBe('/opt/homebrew/bin/git');
  });
});

describe('trusted executables on Linux', () => {
  let base: string;
  let workspace: string;
  let system: string;

  beforeAll(async () => {
    base = await realpath(await mkdtemp(path.join(tmpdir(), 'loco-trusted-')));
    workspace = path.join(base, 'workspace');
    system = path.join(base, 'system', 'bin');
    await mkdir(path.join(workspace, 'bin'), { recursive: true });
    await mkdir(system, { recursive: true });
    for (const file of [path.join(workspace, 'git'), path.join(workspace, 'bin', 'git'), path.join(system, 'git')]) {
      await writeFile(file, '#!/bin/sh\n');
      await chmod(file, 0o755);
    }
    await writeFile(path.join(base, 'system', 'not-executable'), '');
    // A folder outside that leads into the workspace, and one inside that leads out.
    await symlink(path.join(workspace, 'bin'), path.join(base, 'into-workspace'));
    await symlink(system, path.join(workspace, 'out'));
  });
  afterAll(async () => {
    await rm(base, { recursive: true, force: true });
  });

  it('drops ., empty, relative, per-process and workspace entries, and links into the workspace', () => {
    const value = ['.', '', 'bin', './bin', workspace, path.join(workspace, 'bin'), path.join(workspace, 'out'), path.join(base, 'into-workspace'), '/proc/self/cwd', system, system].join(':');
    expect(trustedSearchPath(value, [workspace])).toEqual([system]);
  });

  it('finds the program in the first trusted entry that holds it', () => {
    expect(findExecutable('git', trustedSearchPath(`.:bin:${workspace}:${system}`, [workspace]), [workspace])).toBe(path.join(system, 'git'));
    expect(findExecutable('not-executable', [path.join(base, 'system')], [workspace])).toBeUndefined();
    expect(findExecutable('git', trustedSearchPath(`.:${workspace}`, [workspace]), [workspace])).toBeUndefined();
  });
});
