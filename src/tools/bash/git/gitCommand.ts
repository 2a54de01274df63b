import { realpathSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { defineCommand, type CustomCommand } from 'just-bash';
import { isInsideRoots } from '../../support/workspacePaths';
import { configProblem } from './gitConfig';
import { splitGlobalOptions } from '../gate/gitPolicy';
import { gitEnvironment, runGit, type GitRun } from './gitProcess';
import { inspectMetadata, locateRepository, RepositoryProblem, type Repository } from './gitRepository';
import { hostArgumentsProblem } from '../gate/hostArguments';
import { realInside } from '../paths';

/**
 * Read-only git, served by the real git binary. A hostile repository controls everything under
 * .git, so before every command the repository is located without git, its metadata is walked
 * (nothing may lead outside the workspace) and its config vetted against a positive list; only
 * then does git run, pinned to that repository, with hooks, pagers, transports and lazy
 * fetching off and no configuration but the repository's own.
 */
export function gitCommand(roots: readonly string[]): CustomCommand {
  return defineCommand('git', async (args, ctx) => {
    const { directories, rest } = splitGlobalOptions(args);
    const start = realInside(ctx.cwd, roots);
    if (start === undefined) return failure(`git: ${ctx.cwd} is outside the workspace (${roots.join(', ')})`);
    const cwd = workingDirectory(start, directories);
    if (typeof cwd !== 'string') return cwd;
    const root = roots.find((r) => isInsideRoots(cwd, [r]));
    if (root === undefined) return failure(`git: ${directories.at(-1) ?? cwd} is outside the workspace (${roots.join(', ')}); use -C with a folder inside it`);
    const problem = hostArgumentsProblem('git', rest, cwd, roots);
    if (problem) return failure(`git: ${problem}`);
    const located = await locateRepository(cwd, root, roots);
    if (located === undefined) {
      return failure('fatal: not a git repository (or any of the parent directories up to the workspace folder): .git', 128);
    }
    if (located instanceof RepositoryProblem) return unavailable(located);
    // A fresh empty HOME, so that no config, attributes or ignore files of the user's apply.
    const home = await mkdtemp(path.join(tmpdir(), 'locooperator-git-home-'));
    try {
      const refused = await repositoryProblem(located, roots, home, ctx.signal);
      if (refused) return unavailable(refused);
      return await runGit(rest, cwd, gitEnvironment(home, located), ctx.signal);
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  });
}

/**
 * The directory git would work in after `-C DIR...`: resolved by the kernel (realpath of the
 * path as written), since git's chdir follows `link/..` physically where path.resolve would not.
 */
function workingDirectory(start: string, directories: readonly string[]): string | GitRun {
  let dir = start;
  for (const next of directories) {
    if (next === '') continue;
    try {
      dir = realpathSync.native(path.isAbsolute(next) ? next : `${dir}${path.sep}${next}`);
      if (!statSync(dir).isDirectory()) throw new Error('not a directory');
    } catch {
      return failure(`fatal: cannot change to '${next}': No such directory`, 128);
    }
  }
  return dir;
}

/** Why git must not run in this repository: its metadata leads out, or its config is not known to be harmless. */
async function repositoryProblem(repository: Repository, roots: readonly string[], home: string, signal?: AbortSignal): Promise<RepositoryProblem | undefined> {
  const metadata = await inspectMetadata(repository, roots);
  if (metadata instanceof RepositoryProblem) return metadata;
  return configProblem(metadata.configFiles, repository, roots, gitEnvironment(home), home, signal);
}

function unavailable(problem: RepositoryProblem): GitRun {
  return failure(`git is unavailable in this repository: ${problem.reason}. Use Read, Grep and Glob (or ls/cat/grep in Bash) instead.`);
}

function failure(message: string, exitCode = 1): GitRun {
  return { stdout: '', stderr: `${message}\n`, exitCode };
}
