import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { defineCommand, type CustomCommand } from 'just-bash';
import { isInsideRoots } from '../support/workspacePaths';
import { hostArgumentsProblem } from './hostArguments';
import { resolveReal } from './paths';

/**
 * Read-only git, served by the real git binary with every configuration hook that can run a
 * program turned off. A hostile repository controls `.git/config`, so the repository's own
 * config is inspected first and git is refused when it names filters, textconv or diff
 * drivers, includes, or a worktree elsewhere; system and global config are not read at all.
 */
const OVERRIDES = [
  'core.fsmonitor=false',
  'core.hooksPath=/dev/null',
  'core.pager=cat',
  'core.untrackedCache=false',
  'core.sshCommand=false',
  'core.askPass=',
  'credential.helper=',
  'diff.external=',
  'log.showSignature=false',
  'gpg.program=false',
  'gpg.ssh.program=false',
  'gpg.x509.program=false',
  'protocol.allow=never',
  'color.ui=false',
  'advice.detachedHead=false',
  // A submodule is another repository with its own config; never look inside one.
  'diff.ignoreSubmodules=all',
  'submodule.recurse=false',
  'status.submoduleSummary=false',
];

/**
 * Repository config keys that would make a read command run a program or read a file outside
 * the repository, and that a `-c` override cannot neutralise generically (their names vary).
 */
const UNSAFE_REPO_KEYS = [
  /^include\./,
  /^includeif\./,
  /^filter\./,
  /^diff\.[^.]+\.(command|textconv)$/,
  /^merge\.[^.]+\.driver$/,
  /^core\.worktree$/,
  /^core\.(excludesfile|attributesfile)$/,
  /^blame\.ignorerevsfile$/,
  /^diff\.orderfile$/,
  /^mailmap\.file$/,
];

/** Nested repositories (submodules, worktrees) whose config files are inspected as well. */
const MAX_CONFIG_FILES = 64;

/** Flags added to subcommands that can show diffs, so no external diff or textconv runs. */
const DIFF_SAFETY: Readonly<Record<string, readonly string[]>> = {
  log: ['--no-ext-diff', '--no-textconv'],
  show: ['--no-ext-diff', '--no-textconv'],
  diff: ['--no-ext-diff', '--no-textconv', '--ignore-submodules=all'],
  status: ['--ignore-submodules=all'],
  blame: ['--no-textconv'],
  grep: ['--no-textconv'],
};

const MAX_GIT_OUTPUT = 16 * 1024 * 1024;

/** The environment git runs in: no system or global config, no prompts, no pagers, no locks. */
function gitEnvironment(ceiling: string, emptyHome: string): NodeJS.ProcessEnv {
  const keep = ['PATH', 'SYSTEMROOT', 'LANG', 'LC_ALL', 'TZ'];
  const env: NodeJS.ProcessEnv = {};
  for (const key of keep) if (process.env[key] !== undefined) env[key] = process.env[key];
  return {
    ...env,
    HOME: emptyHome,
    XDG_CONFIG_HOME: emptyHome,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_CONFIG_SYSTEM: '/dev/null',
    GIT_TERMINAL_PROMPT: '0',
    GIT_OPTIONAL_LOCKS: '0',
    GIT_PAGER: 'cat',
    PAGER: 'cat',
    GIT_NO_REPLACE_OBJECTS: '1',
    GIT_CEILING_DIRECTORIES: ceiling,
    GIT_ATTR_NOSYSTEM: '1',
  };
}

interface GitRun {
  stdout: string;
  stderr: string;
  exitCode: number;
}

function runGit(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv, signal?: AbortSignal): Promise<GitRun> {
  return new Promise((resolve) => {
    execFile(
      'git',
      ['--no-pager', ...OVERRIDES.flatMap((o) => ['-c', o]), ...args],
      { cwd, env, maxBuffer: MAX_GIT_OUTPUT, signal, windowsHide: true, encoding: 'utf8' },
      (error, stdout, stderr) => {
        const status = (error as { code?: unknown } | null)?.code;
        if (status === 'ENOENT') {
          resolve({ stdout: '', stderr: 'git: not installed on this machine\n', exitCode: 127 });
          return;
        }
        const code = error ? (typeof status === 'number' ? status : 1) : 0;
        const message = error && code === 1 && !stderr ? `git: ${error.message}\n` : stderr;
        resolve({ stdout, stderr: message, exitCode: code });
      },
    );
  });
}

/** Why git must not run in the repository found from `cwd`, or undefined when it may. */
async function repositoryProblem(cwd: string, roots: readonly string[], env: NodeJS.ProcessEnv, signal?: AbortSignal): Promise<GitRun | undefined> {
  const probe = await runGit(['rev-parse', '--absolute-git-dir', '--git-common-dir'], cwd, env, signal);
  if (probe.exitCode !== 0) return probe;
  const [gitDir, commonDir] = probe.stdout.split('\n').map((line) => resolveReal(path.resolve(cwd, line.trim())));
  for (const dir of [gitDir, commonDir]) {
    if (dir === undefined || !isInsideRoots(dir, roots)) {
      return refusal('git is unavailable here: the repository metadata lies outside the workspace');
    }
  }
  const files = await configFiles(commonDir!, gitDir!);
  if (files.length > MAX_CONFIG_FILES) return refusal('git is unavailable here: the repository holds too many nested repositories to inspect');
  for (const file of files) {
    const listed = await runGit(['config', '--file', file, '--no-includes', '--null', '--list'], cwd, env, signal);
    if (listed.exitCode !== 0) continue;
    for (const entry of listed.stdout.split('\0')) {
      const [key = '', value = ''] = entry.split('\n', 2);
      const name = key.trim().toLowerCase();
      // A submodule's config points core.worktree at its checkout; only elsewhere is refused.
      if (name === 'core.worktree' && isInsideRoots(resolveReal(path.resolve(path.dirname(file), value)), roots)) continue;
      if (UNSAFE_REPO_KEYS.some((pattern) => pattern.test(name))) {
        return refusal(`git is unavailable here: the repository config sets ${key.trim()}, which could run programs or read files outside the workspace (read-only tool)`);
      }
    }
  }
  return undefined;
}

/**
 * Every config file git could read for this repository or a repository nested in it: the
 * repository's own, each worktree's, and each submodule's under modules/ (submodules nest).
 */
async function configFiles(commonDir: string, gitDir: string): Promise<string[]> {
  const files = new Set([path.join(commonDir, 'config'), path.join(commonDir, 'config.worktree'), path.join(gitDir, 'config.worktree')]);
  const pending = [path.join(commonDir, 'modules'), path.join(commonDir, 'worktrees')];
  while (pending.length > 0 && files.size <= MAX_CONFIG_FILES) {
    const dir = pending.pop()!;
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (entry.isFile() && (entry.name === 'config' || entry.name === 'config.worktree')) files.add(full);
      // A module's own modules/ and worktrees/ lie inside it; objects and refs hold no config.
      else if (entry.isDirectory() && !['objects', 'refs', 'logs', 'hooks', 'info'].includes(entry.name)) pending.push(full);
    }
  }
  return [...files];
}

function refusal(message: string): GitRun {
  return { stdout: '', stderr: `${message}\n`, exitCode: 1 };
}

/** The `git` command of the simulated shell; the gate has already checked its arguments. */
export function gitCommand(roots: readonly string[]): CustomCommand {
  return defineCommand('git', async (args, ctx) => {
    const cwd = ctx.cwd;
    const root = roots.find((r) => isInsideRoots(cwd, [r]));
    if (root === undefined) return refusal('git: the working directory is outside the workspace');
    const problem = hostArgumentsProblem('git', args, cwd, roots);
    if (problem) return refusal(`git: ${problem}`);
    // A fresh empty HOME, so that no attributes or ignore files of the user's apply either.
    const home = await mkdtemp(path.join(tmpdir(), 'locooperator-git-home-'));
    try {
      const env = gitEnvironment(path.dirname(root), home);
      const unsafe = await repositoryProblem(cwd, roots, env, ctx.signal);
      if (unsafe) return unsafe;
      let index = 0;
      while (args[index] === '--no-pager') index++;
      const subcommand = args[index] ?? '';
      const rest = args.slice(index + 1);
      return await runGit([subcommand, ...(DIFF_SAFETY[subcommand] ?? []), ...rest], cwd, env, ctx.signal);
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  });
}
