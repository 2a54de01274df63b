import { lstat, readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { isInsideRoots } from '../../support/workspacePaths';
import type { PinnedRepository } from './gitProcess';
import { realInside } from '../paths';

/**
 * Finding the repository git will run in, and checking its metadata before git reads any of it.
 * git is then pinned to exactly this repository (GIT_DIR, GIT_WORK_TREE), so what was checked
 * is what git opens: it never discovers a different one (a bare-looking folder, a repository
 * above the workspace) on its own.
 */
export interface Repository extends PinnedRepository {
  /** Where objects, refs and the shared config live: the git directory, or for a linked worktree its main one. */
  commonDir: string;
}

/** Why git must not run here, phrased to follow "git is unavailable in this repository: ". */
export class RepositoryProblem {
  constructor(readonly reason: string) {}
}

const OUTSIDE = 'its git directory lies outside the workspace';

/**
 * A git directory this size is far beyond a healthy repository's: git packs loose objects once
 * there are about 6,700 of them, so a real one holds a few hundred to a few thousand entries,
 * and the walk below takes a few milliseconds (tens at the gc threshold).
 */
const MAX_METADATA_ENTRIES = 100_000;

/** What git reads as a `.git` file, `commondir` or alternates list is a few lines; more is not metadata. */
const MAX_POINTER_BYTES = 64 * 1024;

/**
 * The repository whose work tree holds `cwd`, looking no higher than `root` (a workspace
 * folder), as git's own discovery would, or undefined when there is none. `cwd` and `root`
 * are real paths.
 */
export async function locateRepository(cwd: string, root: string, roots: readonly string[]): Promise<Repository | RepositoryProblem | undefined> {
  for (let dir = cwd; ; dir = path.dirname(dir)) {
    const found = await repositoryAt(dir, roots);
    if (found !== undefined) return found;
    if (dir === root || path.dirname(dir) === dir) return undefined;
  }
}

/** The repository named by `dir/.git` (a directory, a `gitdir:` file, or a link to either). */
async function repositoryAt(workTree: string, roots: readonly string[]): Promise<Repository | RepositoryProblem | undefined> {
  const dotGit = path.join(workTree, '.git');
  const entry = await lstat(dotGit).catch(() => undefined);
  if (entry === undefined) return undefined;
  const real = realInside(dotGit, roots);
  if (real === undefined) return new RepositoryProblem(OUTSIDE);
  const target = entry.isSymbolicLink() ? await stat(real).catch(() => undefined) : entry;
  if (target?.isDirectory()) {
    const repository = await withCommonDir(real, workTree, roots);
    // Like git: a .git folder that is not a repository is skipped, and the search goes on upwards.
    if (repository instanceof RepositoryProblem || (await isGitDirectory(repository))) return repository;
    return undefined;
  }
  if (!target?.isFile()) return new RepositoryProblem('its .git is not a file or folder');
  const gitFile = await readPointer(real);
  const gitDir = /^gitdir: (.+)/.exec(gitFile?.split('\n')[0] ?? '')?.[1]?.trim();
  if (gitDir === undefined) return new RepositoryProblem('its .git file names no git directory');
  const resolved = realInside(path.resolve(path.dirname(dotGit), gitDir), roots);
  if (resolved === undefined) return new RepositoryProblem(OUTSIDE);
  return withCommonDir(resolved, workTree, roots);
}

/** Adds the common directory a linked worktree's `commondir` file names. */
async function withCommonDir(gitDir: string, workTree: string, roots: readonly string[]): Promise<Repository | RepositoryProblem> {
  const file = path.join(gitDir, 'commondir');
  if (realInside(file, roots) === undefined) return new RepositoryProblem(OUTSIDE);
  const named = (await readPointer(file))?.split('\n')[0]?.trim();
  if (!named) return { gitDir, workTree, commonDir: gitDir };
  const commonDir = realInside(path.resolve(gitDir, named), roots);
  if (commonDir === undefined) return new RepositoryProblem(OUTSIDE);
  return { gitDir, workTree, commonDir };
}

/** git's own test (is_git_directory): HEAD, and objects/ and refs/ in the common directory. */
async function isGitDirectory(repository: Repository): Promise<boolean> {
  const parts = [path.join(repository.gitDir, 'HEAD'), path.join(repository.commonDir, 'objects'), path.join(repository.commonDir, 'refs')];
  const found = await Promise.all(parts.map((part) => lstat(part).then(() => true, () => false)));
  return found.every(Boolean);
}

async function readPointer(file: string): Promise<string | undefined> {
  const info = await stat(file).catch(() => undefined);
  if (!info?.isFile() || info.size > MAX_POINTER_BYTES) return undefined;
  return readFile(file, 'utf8');
}

/**
 * Why git must not read this repository's metadata, or, when it may, the config files it holds
 * (its own and those of worktrees and submodules) for gitConfig.ts to vet.
 *
 * Every entry under the git directories is visited (one readdir per folder, no per-file stat:
 * the entry type comes with the listing), and every symlink must land inside the workspace on
 * a file. That covers everything git could open there without a list of names that a new git
 * release would outgrow: HEAD, index, packed-refs, shallow, info/grafts, info/sparse-checkout,
 * refs and logs, objects and packs. What else git reads is the config (vetted next), the
 * `.git` and `commondir` pointers (checked when locating, and for every linked worktree here),
 * and `objects/info/alternates`, whose entries name other object stores and are refused outright.
 */
export async function inspectMetadata(repository: Repository, roots: readonly string[]): Promise<{ configFiles: string[] } | RepositoryProblem> {
  const { gitDir, commonDir, workTree } = repository;
  const tops = isInsideRoots(gitDir, [commonDir]) ? [commonDir] : [commonDir, gitDir];
  const configFiles: string[] = [];
  const pointers: string[] = [];
  const shown = (file: string): string => path.relative(workTree, file).split(path.sep).join('/');
  let visited = 0;
  for (const top of tops) {
    // Breadth first, each level's folders listed at once: objects/ alone has up to 256 of them.
    for (let level = [top]; level.length > 0; ) {
      const listings = await Promise.all(level.map((dir) => readdir(dir, { withFileTypes: true }).catch(() => [])));
      const next: string[] = [];
      for (const [index, entries] of listings.entries()) {
        visited += entries.length;
        if (visited > MAX_METADATA_ENTRIES) return new RepositoryProblem(`its git directory holds more than ${MAX_METADATA_ENTRIES} files, too many to check`);
        for (const entry of entries) {
          const full = path.join(level[index]!, entry.name);
          if (entry.isDirectory()) {
            next.push(full);
            continue;
          }
          if (entry.isSymbolicLink()) {
            if (realInside(full, roots) === undefined) return new RepositoryProblem(`${shown(full)} is a link that leads outside the workspace`);
            const target = await stat(full).catch(() => undefined);
            if (target?.isDirectory()) return new RepositoryProblem(`${shown(full)} is a link to a folder, which git would read unchecked`);
            if (target !== undefined && !target.isFile()) return new RepositoryProblem(`${shown(full)} is not a regular file`);
          } else if (!entry.isFile()) {
            return new RepositoryProblem(`${shown(full)} is not a regular file`);
          }
          const relative = path.relative(top, full).split(path.sep);
          if (isConfigFile(relative)) configFiles.push(full);
          if (isWorktreePointer(relative)) pointers.push(full);
        }
      }
      level = next;
    }
  }
  for (const pointer of pointers) {
    const named = (await readPointer(pointer))?.split('\n')[0]?.trim();
    if (named && realInside(path.resolve(path.dirname(pointer), named), roots) === undefined) {
      return new RepositoryProblem(`${shown(pointer)} names a place outside the workspace`);
    }
  }
  const alternates = await readPointer(path.join(commonDir, 'objects', 'info', 'alternates'));
  if (alternates !== undefined && alternates.split('\n').some((line) => line.trim() !== '' && !line.startsWith('#'))) {
    return new RepositoryProblem('its objects/info/alternates borrows objects from another repository');
  }
  return { configFiles };
}

/** Folders of a git directory that hold refs, logs, objects or hooks, where a file named `config` is a branch or object, not a config. */
const NOT_CONFIG_FOLDERS = new Set(['refs', 'logs', 'objects', 'hooks', 'info']);

/**
 * A config file git reads for this repository or one nested in it: `config` and
 * `config.worktree` at the top, in worktrees/NAME/ and in modules/NAME/ (submodules nest).
 */
function isConfigFile(relative: readonly string[]): boolean {
  const name = relative.at(-1);
  return (name === 'config' || name === 'config.worktree') && !relative.slice(0, -1).some((part) => NOT_CONFIG_FOLDERS.has(part));
}

/** A linked worktree's `gitdir` (its checkout) or `commondir`, in worktrees/NAME/: git follows both when listing worktrees. */
function isWorktreePointer(relative: readonly string[]): boolean {
  const name = relative.at(-1);
  return (name === 'gitdir' || name === 'commondir') && relative.at(-3) === 'worktrees';
}
