import { lstat } from 'node:fs/promises';
import path from 'node:path';
import { isInsideRoots, readPathSync } from '../../support/workspacePaths';
import { MetadataRefusal, readRegularFile, refuse, RepositoryProblem } from './gitMetadata';

/**
 * Finding the repository whose work tree holds a folder, without git, as git's own discovery
 * would: the nearest `.git` above it, a folder or a `gitdir:` file (a submodule's checkout, a
 * linked worktree). Pointers are read as data and the places they name by the one reading of a
 * path; git itself never sees them (it runs against a git directory the host builds).
 */
export interface Repository {
  /** Where HEAD and the index live: the git directory, or a linked worktree's own folder in the main one. */
  gitDir: string;
  /** Where objects, refs and the config live: the git directory, or for a linked worktree its main one. */
  commonDir: string;
  workTree: string;
}

const OUTSIDE = 'its git directory lies outside the workspace';

/** A `.git` file or `commondir` is one line; more is not a pointer. */
const MAX_POINTER_BYTES = 64 * 1024;

/**
 * The repository whose work tree holds `cwd`, looking no higher than `root` (a workspace
 * folder), or undefined when there is none. `cwd` and `root` are real paths.
 */
export async function locateRepository(cwd: string, root: string, roots: readonly string[]): Promise<Repository | RepositoryProblem | undefined> {
  try {
    for (let dir = cwd; ; dir = path.dirname(dir)) {
      const found = await repositoryAt(dir, roots);
      if (found !== undefined) return found;
      if (dir === root || path.dirname(dir) === dir) return undefined;
    }
  } catch (error) {
    if (error instanceof MetadataRefusal) return error.problem;
    throw error;
  }
}

/** The repository named by `workTree/.git`: a folder, or a `gitdir:` file; a link to either is refused. */
async function repositoryAt(workTree: string, roots: readonly string[]): Promise<Repository | undefined> {
  const dotGit = path.join(workTree, '.git');
  const entry = await lstat(dotGit).catch(() => undefined);
  if (entry === undefined) return undefined;
  if (entry.isSymbolicLink()) refuse('its .git is a link');
  if (entry.isDirectory()) {
    const repository = await withCommonDir(dotGit, workTree, roots);
    // Like git: a .git folder that is not a repository is skipped, and the search goes on upwards.
    return (await isGitDirectory(repository)) ? repository : undefined;
  }
  if (!entry.isFile()) refuse('its .git is not a file or folder');
  const gitFile = (await readRegularFile(dotGit, MAX_POINTER_BYTES, 'its .git'))!.toString('utf8');
  const named = /^gitdir: (.+)/.exec(gitFile.split('\n')[0] ?? '')?.[1]?.trim();
  if (named === undefined) refuse('its .git file names no git directory');
  const repository = await withCommonDir(realFolder(named, workTree, roots), workTree, roots);
  if (!(await isGitDirectory(repository))) refuse('its .git file names a folder that is not a git directory');
  return repository;
}

/** Adds the common directory a linked worktree's `commondir` file names. */
async function withCommonDir(gitDir: string, workTree: string, roots: readonly string[]): Promise<Repository> {
  const file = await readRegularFile(path.join(gitDir, 'commondir'), MAX_POINTER_BYTES, `${shownFrom(workTree, gitDir)}/commondir`);
  const named = file?.toString('utf8').split('\n')[0]?.trim();
  if (!named) return { gitDir, workTree, commonDir: gitDir };
  return { gitDir, workTree, commonDir: realFolder(named, gitDir, roots) };
}

/** The real folder `named` (relative to `from`) leads to, by the one reading of a path; refused unless it is a folder inside the roots. */
function realFolder(named: string, from: string, roots: readonly string[]): string {
  const reading = readPathSync(named, from, roots);
  if (reading.kind !== 'resolved' || !reading.exists || !isInsideRoots(reading.real, roots)) refuse(OUTSIDE);
  return reading.real;
}

/** git's own test (is_git_directory): HEAD, and objects/ and refs/ in the common directory. */
async function isGitDirectory(repository: Repository): Promise<boolean> {
  const parts = [path.join(repository.gitDir, 'HEAD'), path.join(repository.commonDir, 'objects'), path.join(repository.commonDir, 'refs')];
  const found = await Promise.all(parts.map((part) => lstat(part).then(() => true, () => false)));
  return found.every(Boolean);
}

/** A place in the repository as the model sees it: relative to the work tree, with forward slashes. */
export function shownFrom(workTree: string, place: string): string {
  return `its ${path.relative(workTree, place).split(path.sep).join('/')}`;
}
