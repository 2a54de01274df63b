import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { appendFile, chmod, mkdir, mkdtemp, readdir, readFile, realpath, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBashTool } from '../../../src/tools/bash';
import { gitEnvironment, runGit } from '../../../src/tools/bash/git/gitProcess';
import { BashWorkerPool, defaultWorkerScript } from '../../../src/tools/bash/worker/pool';
import { git, gitAvailable, makeRepo } from './gitFixtures';
import { hashTree, runBash } from './workspace';

/**
 * Repositories built to turn harmless read commands against the user: run a program through a
 * transport or a config key, fetch (and rewrite .git/config), or print files from outside the
 * workspace through git's metadata and error messages. Each repository is the workspace; a
 * canary file and another repository lie just outside it. git never reads the repository's
 * config or any metadata the host did not check, so a hostile key changes nothing, and metadata
 * that does not fit (a link, a pointer out) turns git off for the repository.
 */
const UNAVAILABLE = /^Exit code 1\ngit is unavailable in this repository: .+\. Use Read, Grep and Glob \(or ls\/cat\/grep in Bash\) instead\.$/;

/** Commands that read objects, refs, the index and the worktree: between them, every file git opens. */
const COMMANDS = ['git log -p -1', 'git status', 'git show HEAD', 'git log --oneline --all', 'git branch --list', 'git grep -n main', 'git diff HEAD~1'];

describe.skipIf(!gitAvailable())('git in a hostile repository', () => {
  let base: string;
  let secret: string;
  let canary: string;
  let outside: string;
  /** Where the hostile programs would leave a trace: the system temp dir and beside the workspaces. */
  const markers: string[] = [];
  let marker: string;

  beforeAll(async () => {
    base = await realpath(await mkdtemp(path.join(tmpdir(), 'loco-git-hostile-')));
    secret = `CANARY-${randomUUID()}`;
    canary = path.join(base, 'canary.txt');
    await writeFile(canary, `${secret}\n`);
    outside = await makeRepo(base, 'outside', `Outside ${secret}`);
    await writeFile(path.join(outside, 'secret.txt'), `${secret}\n`);
    git(outside, 'add', 'secret.txt');
    git(outside, 'commit', '-q', '-m', `Secret ${secret}`);
    marker = path.join(tmpdir(), `loco-git-marker-${randomUUID()}`);
    markers.push(marker, path.join(base, 'PWNED'));
  });

  afterAll(async () => {
    // No hostile program left a trace anywhere, not even one the per-case checks would miss.
    const traces = [...markers.filter((file) => existsSync(file)), ...(await readdir(base)).filter((name) => /PWNED|marker/.test(name))];
    await rm(base, { recursive: true, force: true });
    for (const file of markers) await rm(file, { force: true });
    expect(traces).toEqual([]);
  });

  /** Runs every command in the workspace `root`: none runs a program, leaks or changes anything; returns the outputs. */
  async function expectHarmless(root: string, commands: readonly string[] = COMMANDS, cwd = root): Promise<string[]> {
    const before = await hashTree(root);
    const outputs: string[] = [];
    for (const command of commands) {
      const result = await runBash(root, { command }, new AbortController().signal, cwd);
      expect(result.output, command).not.toContain(secret);
      // The hardening itself stays out of the text the model sees.
      expect(result.output, command).not.toMatch(/GIT_[A-Z]|=never|hooksPath|locooperator-git/);
      outputs.push(result.output);
    }
    expect(await hashTree(root)).toBe(before);
    for (const file of markers) expect(existsSync(file), file).toBe(false);
    return outputs;
  }

  /** Runs every command in the workspace `root`: each finds git unavailable for `reason`, leaks nothing, changes nothing. */
  async function expectUnavailable(root: string, reason: RegExp, commands: readonly string[] = COMMANDS, cwd = root): Promise<void> {
    for (const [index, output] of (await expectHarmless(root, commands, cwd)).entries()) {
      expect(output, commands[index]).toMatch(UNAVAILABLE);
      expect(output, commands[index]).toMatch(reason);
    }
  }

  /** A repository whose app.py blob of HEAD is missing, as in a partial clone: reading it would fetch. */
  async function partialClone(name: string, remote: Record<string, string>, extra: Record<string, string> = {}): Promise<string> {
    const root = await makeRepo(base, name);
    const blob = git(root, 'rev-parse', 'HEAD:app.py').trim();
    await rm(path.join(root, '.git', 'objects', blob.slice(0, 2), blob.slice(2)));
    git(root, 'config', 'core.repositoryformatversion', '1');
    git(root, 'config', 'extensions.partialClone', 'origin');
    git(root, 'config', 'remote.origin.promisor', 'true');
    for (const [key, value] of Object.entries({ ...remote, ...extra })) git(root, 'config', key, value);
    return root;
  }

  describe('transports and lazy fetching', () => {
    it('never fetches a missing object of a partial clone through an ext:: remote', async () => {
      const root = await partialClone('ext', { 'remote.origin.url': `ext::sh -c touch% ${marker}`, 'protocol.ext.allow': 'always' });
      const [log] = await expectHarmless(root);
      expect(log).toMatch(/^Exit code 128\n[^]*(bad object|unable to read|could not read)/);
    });

    it('never runs remote.<name>.uploadpack for a local-path remote', async () => {
      const root = await partialClone('uploadpack', {
        'remote.origin.url': outside,
        'remote.origin.uploadpack': `touch ${marker};`,
        'protocol.file.allow': 'always',
      });
      await expectHarmless(root);
    });

    it.each([
      ['core.gitProxy and a git:// remote', { 'core.gitProxy': `touch ${marker}`, 'remote.origin.url': 'git://127.0.0.1/x', 'protocol.git.allow': 'always' }],
      ['core.sshCommand and an ssh remote', { 'core.sshCommand': `touch ${marker}`, 'remote.origin.url': 'ssh://127.0.0.1/x' }],
      ['a remote helper (remote.<name>.vcs)', { 'remote.origin.vcs': `evil`, 'remote.origin.url': 'evil::x', 'protocol.evil.allow': 'always' }],
      ['an http proxy', { 'http.proxy': 'http://127.0.0.1:9', 'remote.origin.url': 'https://127.0.0.1/x' }],
    ])('never fetches for a partial clone with %s', async (_label, remote) => {
      const root = await partialClone(`transport-${randomUUID().slice(0, 8)}`, remote);
      await expectHarmless(root);
    });

    it('keeps git itself from fetching or rewriting .git/config even if pointed at the repository\'s own config', async () => {
      const root = await partialClone('bypass', { 'remote.origin.url': `ext::sh -c touch% ${marker}`, 'protocol.ext.allow': 'always' });
      const config = await readFile(path.join(root, '.git', 'config'), 'utf8');
      const home = await mkdtemp(path.join(tmpdir(), 'loco-git-home-'));
      try {
        const env = gitEnvironment(home, [root], { gitDir: path.join(root, '.git'), workTree: root });
        const result = await runGit(['log', '-p', '-1'], root, env);
        expect(result.exitCode).not.toBe(0);
      } finally {
        await rm(home, { recursive: true, force: true });
      }
      expect(existsSync(marker)).toBe(false);
      expect(await readFile(path.join(root, '.git', 'config'), 'utf8')).toBe(config);
    });
  });

  describe('config keys that name a program, a fetch or a file', () => {
    it.each([
      ['core.pager', `touch ${marker}; cat`, /could run a program/],
      ['pager.log', `touch ${marker}; cat`, /could run a program/],
      ['core.editor', `touch ${marker}`, /could run a program/],
      ['core.askPass', `touch ${marker}`, /could run a program/],
      ['core.sshCommand', `touch ${marker}`, /could run a program/],
      ['core.gitProxy', `touch ${marker}`, /could run a program/],
      ['credential.helper', `!touch ${marker}`, /could run a program/],
      ['diff.external', `touch ${marker}`, /could run a program/],
      ['gpg.program', `touch ${marker}`, /could run a program/],
      ['log.showSignature', 'true', /is not known to be harmless/],
      ['alias.lg', `!touch ${marker}`, /could run a program/],
      ['sequence.editor', `touch ${marker}`, /could run a program/],
      ['core.alternateRefsCommand', `touch ${marker}`, /could run a program/],
      ['uploadpack.packObjectsHook', `touch ${marker}`, /could run a program/],
      ['submodule.sub.update', `!touch ${marker}`, /could run a program/],
      ['remote.origin.vcs', 'evil', /could run a program/],
      ['remote.origin.uploadpack', `touch ${marker}`, /could run a program/],
      ['remote.origin.receivepack', `touch ${marker}`, /could run a program/],
      ['remote.origin.proxy', 'http://127.0.0.1:9', /could make git fetch/],
      ['remote.origin.promisor', 'true', /could make git fetch/],
      ['extensions.partialClone', 'origin', /could make git fetch/],
      ['protocol.file.allow', 'always', /could make git fetch/],
      ['url.ext::sh -c touch% /tmp/x.insteadOf', 'https://', /could make git fetch/],
      ['http.sslKey', '/etc/ssl/private/key.pem', /could make git fetch/],
      ['include.path', '/etc/gitconfig', /could read files outside the workspace/],
      ['includeIf.gitdir:/.path', '/etc/gitconfig', /could read files outside the workspace/],
      ['core.excludesFile', '/etc/passwd', /could read files outside the workspace/],
      ['core.attributesFile', '/etc/passwd', /could read files outside the workspace/],
      ['blame.ignoreRevsFile', '/etc/passwd', /could read files outside the workspace/],
      ['mailmap.file', '/etc/passwd', /could read files outside the workspace/],
      ['diff.orderFile', '/etc/passwd', /could read files outside the workspace/],
      ['core.worktree', '/', /could read files outside the workspace/],
      ['some.futureKey', 'x', /is not known to be harmless/],
    ])('never honours %s from the repository\'s config', async (key, value) => {
      const root = await makeRepo(base, `key-${randomUUID().slice(0, 8)}`);
      await writeFile(path.join(root, '.gitattributes'), '* filter=evil diff=evil merge=evil\n');
      git(root, 'config', key, value);
      await appendFile(path.join(root, 'app.py'), '# dirty\n');
      const [log, status, diff] = await expectHarmless(root, ['git log --oneline -1', 'git status --short', 'git diff --stat', 'git log -p -1', 'git show HEAD']);
      expect(log).toMatch(/^[0-9a-f]{7,} Second commit$/);
      expect(status).toBe(' M app.py\n?? .gitattributes');
      expect(diff).toMatch(/^ app\.py \| 1 \+\n 1 file changed/);
    });

    it('never honours a bad key in a worktree config, a submodule config or a nested submodule config', async () => {
      const perWorktree = await makeRepo(base, 'worktree-config');
      git(perWorktree, 'config', 'extensions.worktreeConfig', 'true');
      git(perWorktree, 'config', '--worktree', 'core.pager', `touch ${marker}; cat`);
      await expectHarmless(perWorktree, ['git log -1']);

      const sub = await makeRepo(base, 'sub-origin');
      const superproject = await makeRepo(base, 'super-bad-sub');
      git(superproject, '-c', 'protocol.file.allow=always', 'submodule', 'add', '-q', sub, 'sub');
      git(superproject, 'commit', '-q', '-m', 'Add submodule');
      git(superproject, 'config', '--file', path.join(superproject, '.git', 'modules', 'sub', 'config'), 'core.sshCommand', `touch ${marker}`);
      await expectHarmless(superproject, ['git status', 'git log -1']);
      await expectHarmless(superproject, ['git status', 'git log -1'], path.join(superproject, 'sub'));
    });

    it('refuses a config file git cannot parse, and one that is not a file', async () => {
      const broken = await makeRepo(base, 'broken-config');
      await writeFile(path.join(broken, '.git', 'config'), '[core\n\trepositoryformatversion = 0\n');
      await expectUnavailable(broken, /its \.git\/config could not be read/, ['git log -1']);
    });
  });

  describe('metadata that names or links to places outside the workspace', () => {
    it('refuses a .git file or a symlinked .git directory that lead outside, and ignores core.worktree', async () => {
      const gitFile = path.join(base, 'git-file');
      await mkdir(gitFile);
      await writeFile(path.join(gitFile, '.git'), `gitdir: ${path.join(outside, '.git')}\n`);
      await expectUnavailable(gitFile, /its git directory lies outside the workspace/);

      const linked = path.join(base, 'git-link');
      await mkdir(linked);
      await symlink(path.join(outside, '.git'), path.join(linked, '.git'));
      await expectUnavailable(linked, /its \.git is a link/);

      const moved = await makeRepo(base, 'worktree-elsewhere');
      git(moved, 'config', 'core.worktree', outside);
      const [status, files] = await expectHarmless(moved, ['git status --short', 'git ls-files']);
      expect(status).toBe('(Bash completed with no output)');
      expect(files).toBe('README.md\napp.py');
    });

    it('refuses a linked worktree whose commondir lies outside', async () => {
      const root = path.join(base, 'commondir');
      await mkdir(path.join(root, 'admin'), { recursive: true });
      await writeFile(path.join(root, 'admin', 'HEAD'), 'ref: refs/heads/main\n');
      await writeFile(path.join(root, 'admin', 'commondir'), `${path.join(outside, '.git')}\n`);
      await writeFile(path.join(root, '.git'), 'gitdir: admin\n');
      await expectUnavailable(root, /its git directory lies outside the workspace/);

      const worktrees = await makeRepo(base, 'worktree-admin');
      git(worktrees, 'worktree', 'add', '-q', 'wt', '-b', 'feature');
      await writeFile(path.join(worktrees, '.git', 'worktrees', 'wt', 'gitdir'), `${path.join(outside, '.git')}\n`);
      const [branches] = await expectHarmless(worktrees, ['git branch --list', 'git status']);
      // A worktree whose checkout lies outside is left out, so feature is not marked as checked out.
      expect(branches).toBe('  feature\n* main');
    });

    it('refuses objects borrowed from another repository through alternates', async () => {
      const borrowing = await makeRepo(base, 'alternates');
      await writeFile(path.join(borrowing, '.git', 'objects', 'info', 'alternates'), `${path.join(outside, '.git', 'objects')}\n`);
      git(borrowing, 'update-ref', 'refs/heads/stolen', git(outside, 'rev-parse', 'HEAD').trim());
      await expectUnavailable(borrowing, /its \.git\/objects\/info\/alternates borrows objects from another repository/);

      // Even a store inside the workspace: its own metadata would need the same checks.
      const inside = await makeRepo(base, 'alternates-inside');
      await makeRepo(inside, 'nested');
      await writeFile(path.join(inside, '.git', 'objects', 'info', 'alternates'), 'nested/.git/objects\n');
      await expectUnavailable(inside, /objects\/info\/alternates borrows/, ['git log -1']);
    });

    it('refuses a symlinked objects directory and a ref symlinked to another repository', async () => {
      const objects = await makeRepo(base, 'objects-link');
      await rename(path.join(objects, '.git', 'objects'), path.join(objects, '.git', 'objects.orig'));
      await symlink(path.join(outside, '.git', 'objects'), path.join(objects, '.git', 'objects'));
      await expectUnavailable(objects, /its \.git\/objects is a link/);

      const ref = await makeRepo(base, 'ref-link');
      await symlink(path.join(outside, '.git', 'refs', 'heads', 'main'), path.join(ref, '.git', 'refs', 'heads', 'stolen'));
      await expectUnavailable(ref, /its \.git\/refs\/heads\/stolen is a link/);
    });

    it.each([
      ['objects/info/alternates', true],
      ['packed-refs', true],
      ['shallow', true],
      ['HEAD', true],
      ['index', true],
      ['config', true],
      ['logs/HEAD', true],
      ['info/grafts', false],
      ['info/sparse-checkout', false],
      ['info/exclude', false],
      ['description', false],
      ['commondir', true],
      ['hooks/post-checkout', false],
    ])('never lets git read .git/%s symlinked to a file outside (refused: %s)', async (file, read) => {
      for (const target of [canary, '/etc/passwd', '/proc/self/environ']) {
        const root = await makeRepo(base, `file-link-${randomUUID().slice(0, 8)}`);
        git(root, 'config', 'core.sparseCheckout', 'true');
        const link = path.join(root, '.git', file);
        await rm(link, { force: true });
        await mkdir(path.dirname(link), { recursive: true });
        await symlink(target, link);
        const commands = ['git log -1', 'git status', 'git log --all --oneline'];
        if (read) await expectUnavailable(root, new RegExp(`its \\.git/${file.replace(/\./g, '\\.')} is a link`), commands);
        else expect((await expectHarmless(root, commands))[0]).toMatch(/Second commit$/);
      }
    });

    it('refuses a FIFO in the git directory rather than block on it', async () => {
      const root = await makeRepo(base, 'fifo');
      execFileSync('mkfifo', [path.join(root, '.git', 'packed-refs')]);
      await expectUnavailable(root, /its \.git\/packed-refs is not a regular file/, ['git log -1']);
    });

    it('prints no outside file through symlinks tracked in the worktree', async () => {
      const root = await makeRepo(base, 'tracked-link');
      await symlink(canary, path.join(root, 'link'));
      git(root, 'add', 'link');
      git(root, 'commit', '-q', '-m', 'Add link');
      await writeFile(path.join(root, '.mailmap'), '');
      for (const command of ['git grep -n CANARY', 'git grep --untracked CANARY', 'git show HEAD', 'git log -p --use-mailmap -1', 'git diff HEAD~1', 'git status']) {
        const result = await runBash(root, { command });
        expect(result.output, command).not.toContain(secret);
      }
    });
  });

  describe('metadata that a child reads differently from the host', () => {
    /**
     * `/proc/self/cwd` is the reader's own working folder: a link through it dangles for the host
     * (whose folder is elsewhere) and is live for git, started in the workspace or in `sub`.
     */
    async function inHostFolder<T>(root: string, run: () => Promise<T>): Promise<T> {
      const host = path.join(root, 'host-folder');
      await mkdir(host, { recursive: true });
      const saved = process.cwd();
      process.chdir(host);
      try {
        return await run();
      } finally {
        process.chdir(saved);
      }
    }

    it('never runs a filter from a commondir linked through /proc/self/cwd to an unvetted folder', async () => {
      const root = await makeRepo(base, 'commondir-proc');
      await mkdir(path.join(root, 'sub'));
      const unvetted = path.join(root, 'sub', 'common');
      execFileSync('cp', ['-r', path.join(root, '.git'), unvetted]);
      git(root, 'config', '--file', path.join(unvetted, 'config'), 'filter.x.clean', `touch ${marker}; cat`);
      await writeFile(path.join(root, '.gitattributes'), '* filter=x\n');
      for (const folder of [root, path.join(root, 'sub')]) await writeFile(path.join(folder, 'pointer'), `${unvetted}\n`);
      await symlink('/proc/self/cwd/pointer', path.join(root, '.git', 'commondir'));
      await appendFile(path.join(root, 'app.py'), '# dirty\n');
      await inHostFolder(root, async () => {
        for (const [command, cwd] of [['git status', root], ['git -C sub status', root], ['cd sub && git diff', root], ['git diff', path.join(root, 'sub')]] as const) {
          const result = await runBash(root, { command }, undefined, cwd);
          expect(existsSync(marker), command).toBe(false);
          expect(result.output, command).not.toContain(secret);
        }
      });
    });

    it.each([['packed-refs'], ['shallow'], ['objects/info/alternates'], ['HEAD'], ['refs/heads/leak']])(
      'prints no outside line through .git/%s linked through /proc/self/cwd',
      async (file) => {
        const root = await makeRepo(base, `proc-${file.replace(/\W/g, '-')}-${randomUUID().slice(0, 8)}`);
        await mkdir(path.join(root, 'sub'));
        for (const folder of [root, path.join(root, 'sub')]) await symlink(canary, path.join(folder, 'leak'));
        const link = path.join(root, '.git', file);
        await rm(link, { force: true });
        await symlink('/proc/self/cwd/leak', link);
        await inHostFolder(root, async () => {
          for (const command of ['git log --oneline --all', 'git status', 'git -C sub log -1', 'git rev-parse --is-shallow-repository', 'git branch --list']) {
            const result = await runBash(root, { command });
            expect(result.output, command).not.toContain(secret);
            expect(result.output, command).toMatch(UNAVAILABLE);
          }
        });
      },
    );
  });

  describe('work-tree paths that git reads through links', () => {
    it.each([
      ['whose leading folder is a link out', 'data/secret.txt'],
      ['replaced in the work tree by a link out', 'plain.txt'],
    ])('greps no outside file through a tracked path %s', async (_label, linked) => {
      const root = await makeRepo(base, `work-tree-link-${randomUUID().slice(0, 8)}`);
      await mkdir(path.join(root, 'data'));
      await writeFile(path.join(root, 'data', 'secret.txt'), 'nothing here\n');
      await writeFile(path.join(root, 'plain.txt'), 'plain\n');
      git(root, 'add', '.');
      git(root, 'commit', '-q', '-m', 'Add data');
      if (linked === 'plain.txt') {
        await rm(path.join(root, 'plain.txt'));
        await symlink(canary, path.join(root, 'plain.txt'));
      } else {
        const away = path.join(base, `away-${randomUUID().slice(0, 8)}`);
        await mkdir(away);
        await writeFile(path.join(away, 'secret.txt'), `${secret}\n`);
        await rm(path.join(root, 'data'), { recursive: true });
        await symlink(away, path.join(root, 'data'));
      }
      const refused = `Exit code 1\ngit grep is unavailable here: the tracked path ${linked} leads outside the workspace through a link in the work tree. Search the index with git grep --cached, or the files with grep or rg.`;
      for (const command of ['git grep -n CANARY', 'git grep -n -e CANARY', 'git grep --untracked CANARY', 'git grep -l .', "git grep -c CANARY -- '*.txt'"]) {
        expect((await runBash(root, { command })).output, command).toBe(refused);
      }
      // Only the index and objects: served.
      expect((await runBash(root, { command: 'git grep --cached -n nothing' })).output).toBe('data/secret.txt:1:nothing here');
      // A link that stays inside the workspace is left to git (which reads through a leading folder, and skips a file that became a link).
      await rm(path.join(root, linked.split('/')[0]!), { recursive: true });
      await symlink(linked === 'plain.txt' ? 'README.md' : 'inside', path.join(root, linked.split('/')[0]!));
      await mkdir(path.join(root, 'inside'));
      await writeFile(path.join(root, 'inside', 'secret.txt'), 'inside\n');
      expect((await runBash(root, { command: 'git grep -n -e Demo -e inside' })).output).toBe(linked === 'plain.txt' ? 'README.md:1:# Demo' : 'README.md:1:# Demo\ndata/secret.txt:1:inside');
    });
  });

  it('never starts a git program committed in the workspace, whatever PATH holds', async () => {
    const root = await makeRepo(base, 'own-git');
    for (const folder of [root, path.join(root, 'bin')]) {
      await mkdir(folder, { recursive: true });
      await writeFile(path.join(folder, 'git'), `#!/bin/sh\ntouch ${marker}\necho PWNED\n`);
      await chmod(path.join(folder, 'git'), 0o755);
    }
    git(root, 'add', '.');
    git(root, 'commit', '-q', '-m', 'Add programs');
    const saved = process.env.PATH;
    // The worker that runs the shell takes its environment when it starts: a fresh pool, after PATH is set.
    process.env.PATH = ['.', '', 'bin', './bin', root, path.join(root, 'bin'), saved].join(':');
    try {
      const tool = createBashTool(new BashWorkerPool(defaultWorkerScript()));
      for (const [command, cwd] of [['git log --oneline -1', root], ['git log --oneline -1', path.join(root, 'bin')], ['cd bin && git status --short', root]] as const) {
        const result = await tool.run({ command }, { cwd, roots: [root], signal: new AbortController().signal });
        expect(result.output, command).not.toContain('PWNED');
        expect(existsSync(marker), command).toBe(false);
        expect(result.output, command).toMatch(/^[0-9a-f]{7,} Add programs$|^\(Bash completed with no output\)$/);
      }
    } finally {
      process.env.PATH = saved;
    }
  });

  describe('git -C', () => {
    it('runs in a directory inside the workspace and refuses one outside', async () => {
      const root = await makeRepo(base, 'dash-c');
      await mkdir(path.join(root, 'src'));
      await writeFile(path.join(root, 'src', 'x.txt'), 'x\n');
      git(root, 'add', '.');
      git(root, 'commit', '-q', '-m', 'Add src');
      expect((await runBash(root, { command: 'git -C src log --oneline -1' })).output).toMatch(/^[0-9a-f]{7,} Add src$/);
      expect((await runBash(root, { command: 'git -C src ls-files' })).output).toBe('x.txt');
      expect((await runBash(root, { command: 'git -C src -C .. ls-files README.md' })).output).toBe('README.md');
      expect((await runBash(root, { command: 'git -C .. log --oneline -1 -- app.py' }, undefined, path.join(root, 'src'))).output).toMatch(/^[0-9a-f]{7,} Second commit$/);
      for (const command of [`git -C ${outside} log`, 'git -C .. log', 'git -C src log -- ../../outside', `git -C ${outside}/.git log`]) {
        const result = await runBash(root, { command });
        expect(result.status, command).toBe('refused');
        expect(result.output, command).not.toContain(secret);
      }
    });
  });

  it('never reads the user\'s own git config, attributes or ignore files', async () => {
    const root = await makeRepo(base, 'user-config');
    const home = path.join(base, 'home');
    await mkdir(path.join(home, '.config', 'git'), { recursive: true });
    await writeFile(path.join(home, '.gitconfig'), `[core]\n\tpager = touch ${marker}; cat\n[include]\n\tpath = ${canary}\n`);
    await writeFile(path.join(home, '.config', 'git', 'config'), `[core]\n\tfsmonitor = touch ${marker}\n`);
    const saved = { HOME: process.env.HOME, XDG_CONFIG_HOME: process.env.XDG_CONFIG_HOME };
    process.env.HOME = home;
    process.env.XDG_CONFIG_HOME = path.join(home, '.config');
    try {
      const result = await runBash(root, { command: 'git log --oneline -1' });
      expect(result.output).toMatch(/Second commit$/);
    } finally {
      for (const [key, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    }
    expect(existsSync(marker)).toBe(false);
  });
});
