import path from 'node:path';
import { childEnvironment } from '../../support/childEnvironment';
import { execFileOwned } from '../../support/ownedProcess';
import { findExecutable, trustedSearchPath } from '../../support/trustedExecutable';

/**
 * How the real git binary is started: by an absolute path found in trusted PATH entries, pinned
 * to the git directory the host built (privateGitDir.ts) and the checked work tree, with no
 * configuration but that directory's own, and every way of reaching a program or the network
 * closed a second time here, in case a check ever misses something.
 */

/** Every transport git knows by name; a remote helper (`foo::url`) falls under protocol.allow. */
const PROTOCOLS = ['file', 'git', 'ssh', 'http', 'https', 'ftp', 'ftps', 'ext', 'fd'];

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
  // A per-protocol key beats protocol.allow, so each protocol is closed by name as well.
  'protocol.allow=never',
  ...PROTOCOLS.map((name) => `protocol.${name}.allow=never`),
  'color.ui=false',
  'advice.detachedHead=false',
  // A submodule is another repository with its own config; never look inside one.
  'diff.ignoreSubmodules=all',
  'submodule.recurse=false',
  'status.submoduleSummary=false',
];

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

/** The git directory and work tree git is pinned to, so that it never discovers another one on its own. */
export interface PinnedRepository {
  gitDir: string;
  workTree: string;
}

/**
 * The environment git runs in: no system, global or user config (`home` is a fresh empty
 * directory), no prompts, no pagers, no optional locks (so `git status` does not rewrite the
 * index), no lazy fetching of a partial clone's missing objects (honoured from git 2.39.4), no
 * transport at all, and a PATH of trusted entries only (outside every root), which is also where
 * git itself is found. Without `repository`, git has none (for `git config --file`).
 */
export function gitEnvironment(home: string, roots: readonly string[], repository?: PinnedRepository): NodeJS.ProcessEnv {
  return childEnvironment({
    PATH: trustedSearchPath(process.env.PATH, roots).join(path.delimiter),
    HOME: home,
    XDG_CONFIG_HOME: home,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_CONFIG_SYSTEM: '/dev/null',
    GIT_TERMINAL_PROMPT: '0',
    GIT_OPTIONAL_LOCKS: '0',
    GIT_PAGER: 'cat',
    PAGER: 'cat',
    GIT_NO_REPLACE_OBJECTS: '1',
    GIT_ATTR_NOSYSTEM: '1',
    GIT_NO_LAZY_FETCH: '1',
    // Consulted before any protocol.* config: only a protocol named "none" (there is none) may run.
    GIT_ALLOW_PROTOCOL: 'none',
    GIT_PROTOCOL_FROM_USER: '0',
    GIT_DIR: repository?.gitDir ?? `${home}/no-repository`,
    ...(repository ? { GIT_WORK_TREE: repository.workTree } : {}),
  });
}

export interface GitRun {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/** The git program in each PATH gitEnvironment built (its entries already trusted), found once. */
const executables = new Map<string, string | undefined>();

function gitExecutable(searchPath = ''): string | undefined {
  if (!executables.has(searchPath)) executables.set(searchPath, findExecutable('git', searchPath.split(path.delimiter), []));
  return executables.get(searchPath);
}

/** Runs `git SUBCOMMAND ARGS` hardened, in `env` (gitEnvironment's); the subcommand's diff-safety flags come first. */
export function runGit(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv, signal?: AbortSignal): Promise<GitRun> {
  const [subcommand = '', ...rest] = args;
  const argv = ['--no-pager', ...OVERRIDES.flatMap((o) => ['-c', o]), subcommand, ...(DIFF_SAFETY[subcommand] ?? []), ...rest];
  const executable = gitExecutable(env.PATH);
  if (executable === undefined) return Promise.resolve({ stdout: '', stderr: `git: ${processFailure('ENOENT', signal)}\n`, exitCode: 127 });
  return new Promise((resolve) => {
    execFileOwned(executable, argv, { cwd, env, maxBuffer: MAX_GIT_OUTPUT, signal }, (error, stdout, stderr) => {
      if (!error) return resolve({ stdout, stderr, exitCode: 0 });
      const code = (error as { code?: unknown }).code;
      if (typeof code === 'number') return resolve({ stdout, stderr, exitCode: code });
      // Node's own message quotes the whole command line; the model needs only what happened.
      resolve({ stdout, stderr: `${stderr}git: ${processFailure(code, signal)}\n`, exitCode: code === 'ENOENT' ? 127 : 1 });
    });
  });
}

function processFailure(code: unknown, signal: AbortSignal | undefined): string {
  if (code === 'ENOENT') return 'not installed on this machine';
  if (code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER') return `the output passed ${MAX_GIT_OUTPUT / 1024 / 1024} MB; narrow it (-n, -- PATH, --stat)`;
  if (signal?.aborted) return 'stopped';
  return 'could not be run';
}
