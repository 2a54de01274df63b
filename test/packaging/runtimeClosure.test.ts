import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { lockfileClosure, runtimeClosure } from '../../scripts/packaging/runtimeClosure.mjs';
import { TARGETS, packageRunsOn } from '../../scripts/packaging/targets.mjs';

const repo = path.resolve(__dirname, '../..');
const lockfile = JSON.parse(readFileSync(path.join(repo, 'package-lock.json'), 'utf8'));

describe('runtimeClosure on package-lock.json', () => {
  it.each(Object.keys(TARGETS))('holds exactly %s’s ripgrep and llama.cpp builds', (target) => {
    const names = runtimeClosure(lockfile, target).map((member) => member.name);
    expect(names.filter((name) => name.startsWith('@vscode/ripgrep-'))).toEqual([`@vscode/ripgrep-${target}`]);
    expect(names.filter((name) => name.startsWith('@node-llama-cpp/')).sort()).toEqual(TARGETS[target]!.llama.map((variant) => `@node-llama-cpp/${variant}`).sort());
    expect(names).toEqual(expect.arrayContaining(['node-llama-cpp', '@vscode/ripgrep']));
  });

  it('takes each platform package from the lockfile with its version and sha512', () => {
    const member = runtimeClosure(lockfile, 'win32-arm64').find((entry) => entry.name === '@vscode/ripgrep-win32-arm64');
    expect(member).toEqual({
      path: 'node_modules/@vscode/ripgrep-win32-arm64',
      name: '@vscode/ripgrep-win32-arm64',
      version: lockfile.packages['node_modules/@vscode/ripgrep'].version,
      integrity: expect.stringMatching(/^sha512-/),
    });
  });

  it('leaves out the build-only dependencies of node-llama-cpp', () => {
    const names = runtimeClosure(lockfile, 'linux-x64').map((member) => member.name);
    expect(names).not.toContain('cmake-js');
    expect(names).not.toContain('node-addon-api');
  });

  it('refuses a required dependency the lockfile lacks', () => {
    const broken = {
      packages: {
        'node_modules/node-llama-cpp': { version: '1.0.0', dependencies: { missing: '1' }, optionalDependencies: { '@node-llama-cpp/linux-x64': '1.0.0' } },
        'node_modules/@vscode/ripgrep': { version: '1.0.0' },
        'node_modules/@node-llama-cpp/linux-x64': { version: '1.0.0' },
        'node_modules/@node-llama-cpp/linux-x64-vulkan': { version: '1.0.0' },
      },
    };
    expect(() => runtimeClosure(broken, 'linux-x64')).toThrow('node-llama-cpp needs missing');
  });

  it('resolves nested copies the way Node does: the nearest node_modules first', () => {
    const nested = {
      packages: {
        'node_modules/node-llama-cpp': { version: '1.0.0', dependencies: { a: '1' }, optionalDependencies: { '@node-llama-cpp/mac-x64': '1.0.0' } },
        'node_modules/node-llama-cpp/node_modules/a': { version: '2.0.0' },
        'node_modules/a': { version: '1.0.0' },
        'node_modules/@vscode/ripgrep': { version: '1.0.0', dependencies: { a: '1' } },
        'node_modules/@node-llama-cpp/mac-x64': { version: '1.0.0' },
      },
    };
    const members = runtimeClosure(nested, 'darwin-x64').map((member) => `${member.path}@${member.version}`);
    expect(members).toEqual([
      'node_modules/@node-llama-cpp/mac-x64@1.0.0',
      'node_modules/@vscode/ripgrep@1.0.0',
      'node_modules/a@1.0.0',
      'node_modules/node-llama-cpp@1.0.0',
      'node_modules/node-llama-cpp/node_modules/a@2.0.0',
    ]);
  });
});

describe('lockfileClosure', () => {
  it('follows a package that node-llama-cpp’s bundle loads from files to this platform’s build of it', () => {
    const reflink = (target: string) => lockfileClosure(lockfile, target, ['node_modules/@reflink/reflink']).map((member) => member.name);
    expect(reflink('linux-x64')).toEqual(['@reflink/reflink', '@reflink/reflink-linux-x64-gnu']);
    expect(reflink('win32-arm64')).toEqual(['@reflink/reflink', '@reflink/reflink-win32-arm64-msvc']);
  });

  it('refuses a path the lockfile does not hold', () => {
    expect(() => lockfileClosure(lockfile, 'linux-x64', ['node_modules/not-installed'])).toThrow('package-lock.json does not hold node_modules/not-installed');
  });
});

describe('packageRunsOn', () => {
  it('follows npm’s os, cpu and libc fields, exclusions included', () => {
    expect(packageRunsOn({ name: 'a', os: ['linux'], cpu: ['x64'], libc: ['glibc'] }, 'linux-x64')).toBe(true);
    expect(packageRunsOn({ name: 'a', os: ['linux'], cpu: ['x64'], libc: ['musl'] }, 'linux-x64')).toBe(false);
    expect(packageRunsOn({ name: 'a', os: ['darwin'] }, 'linux-x64')).toBe(false);
    expect(packageRunsOn({ name: 'a', os: ['!win32'] }, 'darwin-arm64')).toBe(true);
    expect(packageRunsOn({ name: 'a', os: ['!win32'] }, 'win32-x64')).toBe(false);
    expect(packageRunsOn({ name: 'a' }, 'win32-arm64')).toBe(true);
  });

  it('takes only the target’s own llama.cpp builds, whatever CPUs their packages list', () => {
    // @node-llama-cpp/linux-arm64 lists x64 among its CPUs (for cross builds); a linux-x64 VSIX must not load it.
    expect(packageRunsOn({ name: '@node-llama-cpp/linux-arm64', os: ['linux'], cpu: ['arm64', 'x64'] }, 'linux-x64')).toBe(false);
    expect(packageRunsOn({ name: '@node-llama-cpp/linux-x64-vulkan', os: ['linux'], cpu: ['x64'] }, 'linux-x64')).toBe(true);
  });
});
