import { statSync } from 'node:fs';
import path from 'node:path';

/**
 * How the machine the tools run on reads a path: the one place that asks which platform this is
 * for paths. Everything that compares, splits or joins paths takes these rules (the host's by
 * default), so that a test on Linux can give it Windows' or macOS' and check the same code.
 */
export interface PathRules {
  /** path.win32 on Windows (`C:\repo`, either slash, UNC), path.posix elsewhere. */
  path: path.PlatformPath;
  /**
   * True when names under `root` that differ only in case are one file: `C:\Repo\SRC\a.ts` is
   * `c:\repo\src\a.ts` on Windows, and `/Users/me/App` is `/Users/me/app` on a Mac's default volume.
   */
  foldsCase(root: string): boolean;
  /** The per-process places (`/proc/self/cwd` is the reader's own folder): none on Windows. */
  perProcessPlaces: readonly string[];
}

/**
 * Places whose contents depend on which process reads them (`/proc/self` is the reader itself,
 * `/proc/self/cwd` its working folder, `/dev/fd` its open files): the host's reading says nothing
 * about what a child would open there.
 */
const PER_PROCESS_PLACES = ['/proc', '/dev', '/sys'];

/** What the file system of a root answers: the same file (device and inode) under both names? */
export type SameFile = (a: string, b: string) => boolean | undefined;

/**
 * The rules of `platform`. Linux's file systems tell case apart; Windows' and macOS' do not by
 * default, but a Mac can have a case-sensitive volume, where folding would take a sibling folder
 * (`/Users/me/APP`) for the workspace (`/Users/me/app`). So there, each root's own folder is asked
 * once (`sameFile`: is the root's name in other case the same folder?), and the platform's default
 * stands only when the name has no letter to swap or the answer cannot be had.
 */
export function pathRulesFor(platform: NodeJS.Platform, sameFile: SameFile = sameFileOnDisk): PathRules {
  if (platform !== 'win32' && platform !== 'darwin') return { path: path.posix, foldsCase: () => false, perProcessPlaces: PER_PROCESS_PLACES };
  const paths = platform === 'win32' ? path.win32 : path.posix;
  const answers = new Map<string, boolean>();
  return {
    path: paths,
    foldsCase(root) {
      const known = answers.get(root);
      if (known !== undefined) return known;
      // A root that is not there yet is asked again next time.
      const answer = volumeFoldsCase(root, paths, sameFile);
      if (answer !== undefined) answers.set(root, answer);
      return answer ?? true;
    },
    perProcessPlaces: platform === 'win32' ? [] : PER_PROCESS_PLACES,
  };
}

/** The rules of the machine this runs on. */
export const hostPathRules: PathRules = pathRulesFor(process.platform);

/**
 * `candidate` below `root` (`''` for the root itself), in the candidate's own spelling, or
 * undefined when it is not inside. Case is folded where the root's file system folds it. Compares
 * paths as given: resolve symlinks first where a link could lead out.
 */
export function pathBelow(candidate: string, root: string, rules: PathRules = hostPathRules): string | undefined {
  const relative = relativeInside(candidate, root, rules);
  if (relative === undefined || relative === '' || !rules.foldsCase(root)) return relative;
  // Folding keeps the number of names: the candidate's last ones, as it spells them.
  const depth = relative.split(rules.path.sep).length;
  const names = rules.path.resolve(candidate).split(rules.path.sep).filter((name) => name !== '');
  return names.slice(-depth).join(rules.path.sep);
}

/** True when `candidate` is `root` or lies below it (pathBelow's question, without the answer's spelling). */
export function liesInside(candidate: string, root: string, rules: PathRules = hostPathRules): boolean {
  return relativeInside(candidate, root, rules) !== undefined;
}

/** The relative path from `root` to `candidate`, compared folded where the root's file system folds case; undefined when outside. */
function relativeInside(candidate: string, root: string, rules: PathRules): string | undefined {
  const fold = rules.foldsCase(root) ? (text: string) => text.toLowerCase() : (text: string) => text;
  const relative = rules.path.relative(fold(root), fold(candidate));
  if (relative === '..' || relative.startsWith(`..${rules.path.sep}`) || rules.path.isAbsolute(relative)) return undefined;
  return relative;
}

/** `relative` (by `rules`' separator) with forward slashes, as labels and the model's relative paths read. */
export function toSlashes(relative: string, rules: PathRules = hostPathRules): string {
  return relative.split(rules.path.sep).join('/');
}

/** True for a path in one of the per-process places (`/proc/self/cwd`, `/dev/fd/3`). */
export function inPerProcessPlace(candidate: string, rules: PathRules = hostPathRules): boolean {
  return rules.perProcessPlaces.some((place) => candidate === place || candidate.startsWith(`${place}/`));
}

/**
 * Whether the folder holding `root` folds case: undefined when its name has no letter to swap or
 * the file system does not answer (the root is missing, or not readable).
 */
function volumeFoldsCase(root: string, paths: path.PlatformPath, sameFile: SameFile): boolean | undefined {
  const name = paths.basename(root);
  const swapped = [...name].map((char) => (char === char.toLowerCase() ? char.toUpperCase() : char.toLowerCase())).join('');
  if (swapped === name) return undefined;
  return sameFile(root, paths.join(paths.dirname(root), swapped));
}

function sameFileOnDisk(a: string, b: string): boolean | undefined {
  try {
    const first = statSync(a, { bigint: true });
    try {
      const second = statSync(b, { bigint: true });
      return first.dev === second.dev && first.ino === second.ino;
    } catch {
      // The root is there and its name in other case is not: names are told apart.
      return false;
    }
  } catch {
    return undefined;
  }
}
