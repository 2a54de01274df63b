import { statSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { defineCommand, type CustomCommand } from 'just-bash';
import { isInsideRoots, readPathSync } from '../../support/workspacePaths';
import { grepsWorkTree, splitGlobalOptions } from '../gate/gitPolicy';
import { hostArgumentsProblem } from '../gate/hostArguments';
import { RepositoryProblem } from './gitMetadata';
import { gitEnvironment, runGit, type GitRun } from './gitProcess';
import { locateRepository } from './gitRepository';
import { buildGitDir } from './privateGitDir';
import { trackedPathThroughLink } from './workTreeLinks';

/**
 * Read-only git, served by the real git binary. A hostile repository controls everything under
 * .git, so git never reads it: before every command the repository is located without git, and
 * a private git directory is built from what the host read of it as plain data (privateGitDir.ts);
 * git runs against that and the checked work tree, from a folder the host resolved, with hooks,
 * pagers, transports and lazy fetching off and no configuration but the host's own.
 */
export function gitCommand(roots: readonly string[]): CustomCommand {
  return defineCommand('git', async (args, ctx) => {
    const { directories, rest } = splitGlobalOptions(args);
    const cwd = workingDirectory(ctx.cwd, directories, roots);
    if (typeof cwd !== 'string') return cwd;
    const root = roots.find((r) => isInsideRoots(cwd, [r]))!;
    const problem = hostArgumentsProblem('git', rest, cwd, roots);
    if (problem) return failure(`git: ${problem}`);
    const located = await locateRepository(cwd, root, roots);
    if (located === undefined) {
      return failure('fatal: not a git repository (or any of the parent directories up to the workspace folder): .git', 128);
    }
    if (located instanceof RepositoryProblem) return unavailable(located);
    const folder = await mkdtemp(path.join(tmpdir(), 'locooperator-git-'));
    try {
      // A fresh empty HOME, so that no config, attributes or ignore files of the user's apply.
      const home = path.join(folder, 'home');
      await mkdir(home);
      const built = await buildGitDir(located, folder, home, roots, ctx.signal);
      if (built instanceof RepositoryProblem) return unavailable(built);
      const env = gitEnvironment(home, roots, { gitDir: built.gitDir, workTree: located.workTree });
      if (grepsWorkTree(rest)) {
        const refused = await linkedTrackedFile(located.workTree, env, roots, ctx.signal);
        if (refused !== undefined) return refused;
      }
      const result = await runGit(rest, cwd, env, ctx.signal);
      // `rev-parse --git-dir` and some errors name the git directory: the repository's, as git there would.
      const real = (text: string) => text.split(built.gitDir).join(located.gitDir);
      return { ...result, stdout: real(result.stdout), stderr: real(result.stderr) };
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
}

/**
 * The git of a workspace where real git must not run (one that is not trusted): every call fails
 * without starting anything, and `refused` says afterwards whether the line reached git at all.
 */
export function refusedGitCommand(reason: string): { command: CustomCommand; refused(): boolean } {
  let reached = false;
  const command = defineCommand('git', async () => {
    reached = true;
    return failure(`git: refused: ${reason}`, 126);
  });
  return { command, refused: () => reached };
}

/**
 * The folder git works in after `-C DIR...` (each relative to the one before), read by the one
 * reading of a path from the shell's folder: a real folder inside the roots, or the failure git
 * itself would report.
 */
function workingDirectory(start: string, directories: readonly string[], roots: readonly string[]): string | GitRun {
  let dir = start;
  for (const next of [start, ...directories.filter((directory) => directory !== '')]) {
    const reading = readPathSync(next, dir, roots);
    if (reading.kind === 'outside' || (reading.kind === 'resolved' && !isInsideRoots(reading.real, roots))) {
      return failure(`git: ${next} is outside the workspace (${roots.join(', ')}); use -C with a folder inside it`);
    }
    if (reading.kind !== 'resolved' || !reading.exists || !statSync(reading.real).isDirectory()) {
      return failure(`fatal: cannot change to '${next}': No such directory`, 128);
    }
    dir = reading.real;
  }
  return dir;
}

/**
 * git grep reads every tracked file at its index path in the work tree, with no path on its
 * command line for the gate to check: refused when one of them lies behind a link that leads out.
 */
async function linkedTrackedFile(workTree: string, env: NodeJS.ProcessEnv, roots: readonly string[], signal?: AbortSignal): Promise<GitRun | undefined> {
  const listing = await runGit(['ls-files', '-z', '--stage'], workTree, env, signal);
  if (listing.exitCode !== 0) return listing;
  // `MODE OBJECT STAGE\tPATH`; git grep reads regular files only (not links, not submodules).
  const paths = listing.stdout
    .split('\0')
    .filter((entry) => /^100(644|755) /.test(entry))
    .map((entry) => entry.slice(entry.indexOf('\t') + 1));
  const linked = trackedPathThroughLink(paths, workTree, roots);
  if (linked === undefined) return undefined;
  return failure(
    `git grep is unavailable here: the tracked path ${linked} leads outside the workspace through a link in the work tree. Search the index with git grep --cached, or the files with grep or rg.`,
  );
}

function unavailable(problem: RepositoryProblem): GitRun {
  return failure(`git is unavailable in this repository: ${problem.reason}. Use Read, Grep and Glob (or ls/cat/grep in Bash) instead.`);
}

function failure(message: string, exitCode = 1): GitRun {
  return { stdout: '', stderr: `${message}\n`, exitCode };
}
