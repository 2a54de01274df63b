import { lstatSync, statSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { displayPath, isInsideRoots, readPathSync } from './workspacePaths';

/** The files ripgrep reads rules from in every directory it enters, in its order of precedence (last wins). */
const IGNORE_FILE_NAMES = ['.gitignore', '.ignore', '.rgignore'];

/**
 * How long a tree found clean stays trusted. The tools never write, so a tree changes only by the
 * user's own hand; the cache lets the parallel calls of one turn (and Glob's two listings) share
 * one walk instead of walking again for each.
 */
const CLEAN_TREE_TRUSTED_MS = 10_000;

/**
 * The largest ignore file read: real ones hold a few kilobytes, and ripgrep reads an ignore file
 * whole, line by line, so a sparse file of gigabytes (one endless line of NULs) would fill memory.
 */
const MAX_IGNORE_FILE_BYTES = 1024 * 1024;

type Problem = 'a symbolic link that leads outside the workspace' | 'not a regular file' | 'larger than 1MB';

/** A search that would make ripgrep read an ignore file it must not. */
export class UnsafeIgnoreFile extends Error {
  constructor(
    /** Absolute path of the ignore file where it lies (the link, not its target). */
    readonly file: string,
    readonly problem: Problem,
    /** True for a file above the workspace, which every search from inside it opens. */
    readonly above: boolean,
  ) {
    super(`${file} is ${problem}`);
  }
}

export interface IgnoreFilePlan {
  /** --ignore-file arguments standing in for the ignore files of the folders above the searched ones. */
  args: string[];
  /** Ignore files above the workspace that ripgrep opens although it applies none of their rules. */
  readAbove: string[];
}

/**
 * Makes sure ripgrep can read every ignore file it will open for these searches safely, and says
 * how to pass on the rules of the folders above the searched ones.
 *
 * ripgrep opens .gitignore, .ignore and .rgignore with symlinks followed: one linked to a file
 * outside the workspace is read, and its lines come back in ripgrep's glob errors (linked to
 * /proc/self/environ, the environment); one that is a FIFO blocks ripgrep for good. So every
 * folder ripgrep may enter is listed first (a walk that never follows links, as ripgrep without
 * -L does not), and each ignore file must be a regular file, or a link to one, inside the
 * workspace. Found otherwise, the search is refused naming the file: searching without it would
 * silently drop its rules (a node_modules comes back), and skipping all ignore files everyone's.
 *
 * Folders above a searched one: ripgrep runs with --no-ignore-parent and applies none of their
 * rules, yet while .gitignore files are on it still opens the ignore files of every folder up to
 * `/` (to find the repository) and reports their unparsable lines. Those above the workspace may
 * not be refused for being links (a dotfile manager links ~/.gitignore), so they only have to be
 * readable without harm (a regular file of sane size, or a link to one), and runRipgrep drops
 * ripgrep's messages about them. Those between the workspace root and a searched folder are
 * checked like the tree's own and passed with --ignore-file. ripgrep matches such rules relative
 * to the folder it runs in rather than the folder that holds them: exact for the working
 * directory's own files and for unanchored rules (`node_modules/`, `*.log`) anywhere, while an
 * anchored rule of another folder (`/dist`) is read as if it stood where ripgrep runs.
 */
export async function checkIgnoreFiles(searchPaths: readonly string[], roots: readonly string[], signal: AbortSignal): Promise<IgnoreFilePlan> {
  const plan: IgnoreFilePlan = { args: [], readAbove: [] };
  for (const searchPath of searchPaths) {
    const reading = readPathSync(searchPath, searchPath, roots);
    // A missing path is ripgrep's to report; a file searched by name is searched whatever the ignore rules say.
    if (reading.kind !== 'resolved' || !reading.exists || !statSync(reading.real).isDirectory()) continue;
    const real = reading.real;
    const root = roots.find((candidate) => isInsideRoots(real, [candidate]));
    if (root === undefined) continue;
    plan.readAbove.push(...existingSafeFiles(foldersAbove(root), { linksMayLeave: true, roots }));
    for (const file of existingSafeFiles(foldersBetween(root, real), { linksMayLeave: false, roots })) plan.args.push('--ignore-file', file);
    await cleanTree(real, roots, signal);
  }
  return plan;
}

/**
 * The ignore files of these folders that exist, in order, each checked (checkIgnoreFile): the
 * first unsafe one is refused. This runs before every search, so the checks are synchronous: an
 * lstat takes microseconds, where an awaited one is a round trip through libuv's thread pool, and
 * a search from a folder four levels deep makes a dozen.
 */
function existingSafeFiles(folders: readonly string[], rules: { linksMayLeave: boolean; roots: readonly string[] }): string[] {
  const files = folders.flatMap((folder) => IGNORE_FILE_NAMES.map((name) => path.join(folder, name)));
  return files.filter((file) => checkIgnoreFile(file, rules));
}

/** Every folder above the root, up to the file system's. */
function foldersAbove(root: string): string[] {
  const folders: string[] = [];
  for (let folder = root; path.dirname(folder) !== folder; ) {
    folder = path.dirname(folder);
    folders.push(folder);
  }
  return folders;
}

/** The root and every folder below it down to (not including) `target`. */
function foldersBetween(root: string, target: string): string[] {
  const folders: string[] = [];
  for (let folder = path.dirname(target); isInsideRoots(folder, [root]); folder = path.dirname(folder)) {
    folders.unshift(folder);
    if (folder === root) break;
  }
  return target === root ? [] : folders;
}

const trusted = new Map<string, { until: number; walk: Promise<void> }>();

/**
 * Walks the tree once per short while; a walk that fails (an unsafe file) is not remembered. The
 * walk is shared by the calls that wait for it, so it runs to its end whoever stops waiting.
 */
function cleanTree(folder: string, roots: readonly string[], signal: AbortSignal): Promise<void> {
  const now = Date.now();
  for (const [key, entry] of trusted) if (entry.until <= now) trusted.delete(key);
  let known = trusted.get(folder);
  if (!known) {
    known = { until: now + CLEAN_TREE_TRUSTED_MS, walk: walkTree(folder, roots) };
    trusted.set(folder, known);
    known.walk.catch(() => trusted.delete(folder));
  }
  return waitUnlessAborted(known.walk, signal);
}

function waitUnlessAborted(walk: Promise<void>, signal: AbortSignal): Promise<void> {
  signal.throwIfAborted();
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    walk.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/**
 * Reads the folders asynchronously, many at once: on a large tree that is faster than reading
 * them one by one, and a folder on a mount that hangs stalls the walk, not the extension host.
 */
async function walkTree(folder: string, roots: readonly string[]): Promise<void> {
  const entries = await readdir(folder, { withFileTypes: true }).catch(() => []);
  const subfolders: string[] = [];
  for (const entry of entries) {
    if (entry.isDirectory()) subfolders.push(path.join(folder, entry.name));
    // Compared without case: a case-insensitive disk opens `.GitIgnore` as `.gitignore`.
    else if (entry.name.startsWith('.') && IGNORE_FILE_NAMES.includes(entry.name.toLowerCase())) {
      checkIgnoreFile(path.join(folder, entry.name), { linksMayLeave: false, roots });
    }
  }
  await Promise.all(subfolders.map((subfolder) => walkTree(subfolder, roots)));
}

/**
 * True when the ignore file exists and is safe to read; throws when it exists and is not. Its
 * link is followed by the one reading of a path: ripgrep opens it from another folder, so a link
 * through `/proc/self/cwd` would name another file for ripgrep than for this check.
 */
function checkIgnoreFile(file: string, rules: { linksMayLeave: boolean; roots: readonly string[] }): boolean {
  const link = lstatOrUndefined(file);
  if (link === undefined || link.isDirectory()) return false;
  let real = file;
  if (link.isSymbolicLink()) {
    // Above the workspace a link may lead anywhere but into a per-process place; inside, only inside.
    const reading = readPathSync(file, path.dirname(file), rules.linksMayLeave ? [path.parse(file).root] : rules.roots);
    const inside = reading.kind === 'resolved' && reading.exists && (rules.linksMayLeave || isInsideRoots(reading.real, rules.roots));
    if (!inside && (!rules.linksMayLeave || reading.kind === 'outside')) {
      throw new UnsafeIgnoreFile(file, 'a symbolic link that leads outside the workspace', rules.linksMayLeave);
    }
    // A dangling link is skipped by ripgrep like a missing file.
    if (reading.kind !== 'resolved' || !reading.exists) return false;
    real = reading.real;
  }
  const info = link.isSymbolicLink() ? statSync(real) : link;
  if (!info.isFile()) throw new UnsafeIgnoreFile(file, 'not a regular file', rules.linksMayLeave);
  if (info.size > MAX_IGNORE_FILE_BYTES) throw new UnsafeIgnoreFile(file, 'larger than 1MB', rules.linksMayLeave);
  return true;
}

/** The file's own status; undefined when it is missing or cannot be looked at (ripgrep skips it then). */
function lstatOrUndefined(file: string) {
  try {
    return lstatSync(file, { throwIfNoEntry: false });
  } catch {
    return undefined;
  }
}

/** The refusal a tool shows: which file, why, and what still works. */
export function unsafeIgnoreFileMessage(error: UnsafeIgnoreFile, cwd: string): string {
  return (
    `Cannot search here: ${displayPath(error.file, cwd)} is ${error.problem}, and ripgrep would read it as an ignore file. ` +
    (error.above ? 'It lies above the workspace, where ripgrep reads it for every search.' : 'Search a folder that does not contain it.')
  );
}
