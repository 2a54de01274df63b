import { existsSync } from 'node:fs';
import { appendFile, mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { git, gitAvailable, makeRepo } from './gitFixtures';
import { bashTool } from '../../../src/tools/bash';
import { hashTree, runBash } from './workspace';

describe.skipIf(!gitAvailable())('read-only git', () => {
  let base: string;
  let marker: string;

  beforeAll(async () => {
    base = await realpath(await mkdtemp(path.join(tmpdir(), 'loco-bash-git-')));
    marker = path.join(base, 'PWNED');
  });
  afterAll(async () => {
    await rm(base, { recursive: true, force: true });
  });
  afterEach(() => {
    expect(existsSync(marker)).toBe(false);
  });

  it('serves read-only subcommands in an ordinary repository', async () => {
    const root = await makeRepo(base, 'plain');
    await appendFile(path.join(root, 'app.py'), '# local change\n');
    const before = await hashTree(root);
    expect((await runBash(root, { command: 'git log --oneline -5' })).output).toMatch(/^[0-9a-f]{7,} Second commit\n[0-9a-f]{7,} Initial commit$/);
    expect((await runBash(root, { command: 'git status --short' })).output).toBe(' M app.py');
    expect((await runBash(root, { command: 'git diff' })).output).toContain('+# local change');
    expect((await runBash(root, { command: 'git ls-files' })).output).toBe('README.md\napp.py');
    expect((await runBash(root, { command: 'git branch --list' })).output).toBe('* main');
    expect((await runBash(root, { command: 'git show --stat HEAD | head -1' })).output).toMatch(/^commit [0-9a-f]{40}$/);
    expect((await runBash(root, { command: 'git grep -n main' })).output).toBe('app.py:1:def main():');
    expect((await runBash(root, { command: 'git log --oneline HEAD~1 | wc -l' })).output).toBe('1');
    expect((await runBash(root, { command: 'git blame -s README.md' })).output).toMatch(/^[0-9a-f^]+ 1\) # Demo$/);
    expect((await runBash(root, { command: 'git rev-parse --show-toplevel' })).output).toBe(root);
    // Nothing written: not even the index refresh that `git status` usually does.
    expect(await hashTree(root)).toBe(before);
  });

  it('never runs core.fsmonitor, hooks, pagers or gpg, from the repository\'s config or the environment\'s', async () => {
    // husky and Scalar set these in many repositories: git never reads the repository's config.
    const root = await makeRepo(base, 'fsmonitor');
    git(root, 'config', 'core.fsmonitor', `touch ${marker}`);
    git(root, 'config', 'core.hooksPath', '.husky');
    const saved = process.env.GIT_CONFIG_PARAMETERS;
    process.env.GIT_CONFIG_PARAMETERS = `'core.fsmonitor'='touch ${marker}'`;
    try {
      await appendFile(path.join(root, 'app.py'), '# dirty\n');
      expect((await runBash(root, { command: 'git status --short' })).output).toBe(' M app.py');
      expect((await runBash(root, { command: 'git log --oneline -1' })).output).toMatch(/Second commit$/);
    } finally {
      if (saved === undefined) delete process.env.GIT_CONFIG_PARAMETERS;
      else process.env.GIT_CONFIG_PARAMETERS = saved;
    }
    for (const [key, value] of [['core.pager', `touch ${marker}; cat`], ['pager.log', `touch ${marker}; cat`], ['gpg.program', `touch ${marker}`]] as const) {
      const hostile = await makeRepo(base, `program-${key.replace(/\W/g, '')}`);
      git(hostile, 'config', key, value);
      expect((await runBash(hostile, { command: 'git log --oneline -1' })).output).toMatch(/^[0-9a-f]{7,} Second commit$/);
    }
  });

  it('serves a normal clone, a linked worktree, a submodule and -C', async () => {
    const upstream = await makeRepo(base, 'upstream');
    git(base, 'clone', '-q', upstream, 'clone');
    const root = path.join(base, 'clone');
    git(root, 'remote', 'set-url', 'origin', 'https://github.com/example/demo.git');
    git(root, 'config', 'branch.main.vscode-merge-base', 'origin/main');
    git(root, 'config', 'user.email', 'me@example.com');
    git(root, 'worktree', 'add', '-q', 'wt', '-b', 'feature');
    git(root, '-c', 'protocol.file.allow=always', 'submodule', 'add', '-q', upstream, 'sub');
    git(root, 'commit', '-q', '-m', 'Add submodule');
    await mkdir(path.join(root, 'docs'));
    await writeFile(path.join(root, 'docs', 'notes.md'), 'notes\n');
    const before = await hashTree(root);
    expect((await runBash(root, { command: 'git log --oneline -1' })).output).toMatch(/^[0-9a-f]{7,} Add submodule$/);
    expect((await runBash(root, { command: 'git status --short' })).output).toBe('?? docs/\n?? wt/');
    expect((await runBash(root, { command: 'git branch --list' })).output).toBe('+ feature\n* main');
    expect((await runBash(root, { command: 'git branch -r' })).output).toBe('  origin/HEAD -> origin/main\n  origin/main');
    expect((await runBash(root, { command: 'git -C sub log --oneline -1' })).output).toMatch(/^[0-9a-f]{7,} Second commit$/);
    expect((await runBash(root, { command: 'git log --oneline -1' }, undefined, path.join(root, 'sub'))).output).toMatch(/Second commit$/);
    expect((await runBash(root, { command: 'git -C wt branch --show-current' })).output).toBe('feature');
    expect((await runBash(root, { command: 'git rev-parse --show-toplevel' }, undefined, path.join(root, 'docs'))).output).toBe(root);
    expect((await runBash(root, { command: 'git -C docs ls-files ..' })).output).toBe('../.gitmodules\n../README.md\n../app.py\n../sub');
    expect(await hashTree(root)).toBe(before);
  });

  it('serves packed refs, a detached HEAD, a shallow clone, a SHA-256 repository and upstream tracking', async () => {
    const upstream = await makeRepo(base, 'tracked-upstream');
    git(base, 'clone', '-q', upstream, 'tracking');
    const root = path.join(base, 'tracking');
    await appendFile(path.join(root, 'README.md'), 'more\n');
    git(root, 'commit', '-q', '-am', 'Local commit');
    git(root, 'tag', 'v1');
    git(root, 'pack-refs', '--all');
    expect((await runBash(root, { command: 'git status -sb' })).output).toBe('## main...origin/main [ahead 1]');
    expect((await runBash(root, { command: 'git branch -vv' })).output).toMatch(/^\* main +[0-9a-f]{7,} \[origin\/main: ahead 1\] Local commit$/);
    expect((await runBash(root, { command: 'git log --oneline --decorate -1 v1' })).output).toMatch(/^[0-9a-f]{7,} \(HEAD -> main, tag: v1\) Local commit$/);
    expect((await runBash(root, { command: 'git rev-parse --git-dir' })).output).toBe(path.join(root, '.git'));

    git(root, 'checkout', '-q', 'HEAD~1');
    expect((await runBash(root, { command: 'git status' })).output).toMatch(/^HEAD detached at [0-9a-f]{7,}\nnothing to commit/);
    expect((await runBash(root, { command: 'git branch --list' })).output).toMatch(/^\* \(HEAD detached at [0-9a-f]{7,}\)\n  main$/);

    git(base, 'clone', '-q', '--depth', '1', `file://${upstream}`, 'shallow');
    const shallow = path.join(base, 'shallow');
    expect((await runBash(shallow, { command: 'git log --oneline' })).output).toMatch(/^[0-9a-f]{7,} Second commit$/);
    expect((await runBash(shallow, { command: 'git rev-parse --is-shallow-repository' })).output).toBe('true');

    const sha256 = path.join(base, 'sha256');
    git(base, 'init', '-q', '--object-format=sha256', 'sha256');
    await writeFile(path.join(sha256, 'a.txt'), 'a\n');
    git(sha256, 'add', '.');
    git(sha256, 'commit', '-q', '-m', 'Only commit');
    expect((await runBash(sha256, { command: 'git log --format=%H%x20%s' })).output).toMatch(/^[0-9a-f]{64} Only commit$/);
  });

  it.each([
    ['a clean/smudge filter', ['filter.evil.clean', 'filter.evil.smudge'], '* filter=evil\n'],
    ['a textconv driver', ['diff.evil.textconv'], '* diff=evil\n'],
    ['an external diff command', ['diff.evil.command'], '* diff=evil\n'],
  ])('never runs %s that the repository\'s config sets, and still diffs', async (_label, keys, attributes) => {
    const root = await makeRepo(base, `driver-${keys[0]!.replace(/\W/g, '')}`);
    await writeFile(path.join(root, '.gitattributes'), attributes);
    for (const key of keys) git(root, 'config', key, `touch ${marker}; cat`);
    await appendFile(path.join(root, 'app.py'), '# dirty\n');
    expect((await runBash(root, { command: 'git status --short' })).output).toBe(' M app.py\n?? .gitattributes');
    expect((await runBash(root, { command: 'git diff' })).output).toContain('+# dirty');
    for (const command of ['git log -p -1', 'git show HEAD']) expect((await runBash(root, { command })).output).toContain('+# second');
  });

  it('refuses options that run a program or read a file named in their value', async () => {
    const root = await makeRepo(base, 'options');
    const outside = path.join(base, 'outside-patterns.txt');
    await writeFile(outside, 'main\n');
    for (const command of [
      `git grep '-Otouch ${marker};true' main`,
      `git grep -iO'touch ${marker}' main`,
      `git grep -O/usr/bin/touch main`,
      `git grep --open-files-in-pager='touch ${marker}' main`,
      `git grep -hf${outside} -e x`,
      `git blame -S${outside} app.py`,
      `git ls-files -oX${outside}`,
      `git log -p -O${outside}`,
      `git log -p --orderfile=${outside}`,
      `git diff HEAD ${outside}`,
    ]) {
      const result = await runBash(root, { command });
      expect(result.status, command).toBe('refused');
    }
    expect(existsSync(path.join(root, 'main'))).toBe(false);
  });

  it('bounds the numeric options that size the work git does', async () => {
    const root = await makeRepo(base, 'bounded');
    for (const command of ['git grep --threads=100000 main', 'git grep --threads 9 main', 'git grep --threads=-1 main', 'git log --expand-tabs=100000000 -1', 'git log -p -l0 -1', 'git diff -l99999999 HEAD~1']) {
      const result = await runBash(root, { command });
      expect(result.status, command).toBe('refused');
      expect(result.output, command).toMatch(/takes a whole number from \d+ to \d+ here/);
    }
    expect((await runBash(root, { command: 'git grep --threads=4 -n main' })).output).toBe('app.py:1:def main():');
    expect((await runBash(root, { command: 'git log --expand-tabs=8 --oneline -1' })).output).toMatch(/Second commit$/);
  });

  it('never runs a merge driver, not even for a conflicted merge commit', async () => {
    const root = await makeRepo(base, 'merge-driver');
    git(root, 'checkout', '-q', '-b', 'other');
    await writeFile(path.join(root, 'README.md'), '# Other\n');
    git(root, 'commit', '-q', '-am', 'Other side');
    git(root, 'checkout', '-q', 'main');
    await writeFile(path.join(root, 'README.md'), '# Main\n');
    git(root, 'commit', '-q', '-am', 'Main side');
    try {
      git(root, 'merge', '-q', 'other');
    } catch {
      // The conflict is the point: the merge commit records a resolution.
    }
    await writeFile(path.join(root, 'README.md'), '# Resolved\n');
    git(root, 'commit', '-q', '-am', 'Merge other');
    await writeFile(path.join(root, '.gitattributes'), '* merge=evil\n');
    git(root, 'config', 'merge.evil.driver', `touch ${marker}; false`);
    for (const command of ['git log -1 --remerge-diff', 'git show --diff-merges=remerge HEAD']) {
      expect((await runBash(root, { command })).status, command).toBe('refused');
    }
    for (const command of ['git log -1 -p', 'git show HEAD']) {
      expect((await runBash(root, { command })).output).toMatch(/^commit [0-9a-f]{40}\nMerge: /);
    }
  });

  it('never runs a filter configured for a submodule', async () => {
    const sub = await makeRepo(base, 'sub-origin');
    const root = await makeRepo(base, 'super');
    git(root, '-c', 'protocol.file.allow=always', 'submodule', 'add', '-q', sub, 'sub');
    git(root, 'commit', '-q', '-m', 'Add submodule');
    await appendFile(path.join(root, 'app.py'), '# dirty\n');
    expect((await runBash(root, { command: 'git status --short' })).output).toBe(' M app.py');
    git(root, 'config', '--file', path.join(root, '.git', 'modules', 'sub', 'config'), 'filter.evil.clean', `touch ${marker}; cat`);
    await writeFile(path.join(root, 'sub', '.gitattributes'), '* filter=evil\n');
    await appendFile(path.join(root, 'sub', 'app.py'), '# dirty\n');
    expect((await runBash(root, { command: 'git status --short' })).output).toBe(' M app.py');
    expect((await runBash(root, { command: 'git diff --stat' })).output).toMatch(/^ app\.py \| 1 \+\n/);
    for (const command of ['git status', 'git diff', 'git ls-files']) expect((await runBash(root, { command }, undefined, path.join(root, 'sub'))).output).not.toMatch(/^Exit code/);
    for (const command of ['git status --recurse-submodules', 'git status --ignore-submodules=none', 'git grep --recurse-submodules main']) {
      expect((await runBash(root, { command })).status, command).toBe('refused');
    }
  });

  it('never reads a file the repository\'s config includes or names, nor moves the work tree', async () => {
    const included = path.join(base, 'included.gitconfig');
    await writeFile(included, `[core]\n\tpager = touch ${marker}; cat\n`);
    const root = await makeRepo(base, 'include');
    git(root, 'config', 'include.path', included);
    expect((await runBash(root, { command: 'git log --oneline -1' })).output).toMatch(/Second commit$/);
    const moved = await makeRepo(base, 'worktree');
    git(moved, 'config', 'core.worktree', base);
    expect((await runBash(moved, { command: 'git status --short' })).output).toBe('(Bash completed with no output)');
    const ignoreAll = path.join(base, 'ignore-all');
    await writeFile(ignoreAll, '*\n');
    const reader = await makeRepo(base, 'reads-excludes');
    git(reader, 'config', 'core.excludesFile', ignoreAll);
    await writeFile(path.join(reader, 'new.txt'), 'new\n');
    expect((await runBash(reader, { command: 'git status --short' })).output).toBe('?? new.txt');
  });

  it('refuses git whose metadata lies outside the workspace', async () => {
    const outside = await makeRepo(base, 'outside');
    const root = path.join(base, 'linked');
    await mkdir(root);
    await writeFile(path.join(root, '.git'), `gitdir: ${path.join(outside, '.git')}\n`);
    expect((await runBash(root, { command: 'git log --oneline' })).output).toContain('git is unavailable in this repository: its git directory lies outside the workspace');
  });

  it('does not climb above the workspace to find a repository', async () => {
    const repo = await makeRepo(base, 'parent');
    const sub = path.join(repo, 'sub');
    await mkdir(sub);
    const result = await runBash(sub, { command: 'git log --oneline' });
    expect(result.output).toMatch(/^Exit code 128\nfatal: not a git repository/);
  });

  it('refuses every line that reaches git while git is unavailable (an untrusted workspace), and starts nothing', async () => {
    const root = await makeRepo(base, 'untrusted');
    git(root, 'config', 'core.fsmonitor', `touch ${marker}`);
    const reason = 'git is off because this folder is not trusted';
    const run = (command: string, gitUnavailable?: string) => bashTool.run({ command }, { cwd: root, roots: [root], gitUnavailable, signal: new AbortController().signal });
    for (const command of ['git status', 'git log --oneline -1', 'ls && git log', 'git -C . diff | head -3', 'echo HEAD | xargs git show', 'find . -maxdepth 0 -exec git status {} +']) {
      const result = await run(command, reason);
      expect(result, command).toMatchObject({ status: 'refused', metadata: { refused: true, reason } });
      expect(result.output.split('\n')[0], command).toBe(`Command refused: ${reason}. This Bash tool only lists, searches and reads files inside the workspace; Read, Grep and Glob do too.`);
    }
    // The rest of the shell is untouched, and git is back as soon as it is available again.
    expect((await run('ls', reason)).output).toBe('README.md\napp.py');
    expect((await run('git log --oneline -1')).output).toMatch(/^[0-9a-f]{7,} Second commit$/);
  });
});
