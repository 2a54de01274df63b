import { lstatSync, readlinkSync, type Stats } from 'node:fs';
import { lstat, readlink } from 'node:fs/promises';
import path from 'node:path';
import { ToolFailure, toolUseError, type ToolContext } from '../defineTool';
import { hostPathRules, inPerProcessPlace, liesInside, pathBelow, toSlashes, type PathRules } from './pathRules';
import { rootLabel } from './rootLabels';


/**
 * Path confinement has one home: every caller that asks "is this path inside the workspace" (the
 * tools, the Bash gate and the shell's guard, file references and `file/open`) asks here, so that
 * the answer cannot drift between them (it did: a folder named `..cache` was readable by the tools
 * but its links were refused in the view).
 */

export interface WorkspacePath {
  /** Absolute and normalised, as the model named it (symlinks kept): what messages show. */
  absolute: string;
  /** Symlinks resolved: what the tool opens, so that a link cannot lead out of the workspace. */
  real: string;
  exists: boolean;
}

/**
 * Resolves a path the model gave (absolute, or relative to the working directory) by the one
 * reading of a path (readPath) and confines it to the workspace roots. A missing file in the
 * workspace (or a missing folder on its way) is answered "does not exist"; anything that leads
 * outside, or that cannot be resolved the way a program would open it, is refused.
 */
export async function resolveWorkspacePath(given: string, ctx: Pick<ToolContext, 'cwd' | 'roots'>): Promise<WorkspacePath> {
  if (given === '~' || given.startsWith('~/') || given.startsWith('~\\')) {
    throw new ToolFailure(
      toolUseError(`The path ${given} starts with ~, which is not expanded. Use an absolute path inside the workspace (${ctx.roots.join(', ')}).`),
    );
  }
  const absolute = path.resolve(ctx.cwd, given);
  const reading = await readPath(given, ctx.cwd, ctx.roots);
  if (reading.kind === 'unresolvable') {
    throw new ToolFailure(toolUseError(`Access denied: ${reading.reason}. Only paths inside ${ctx.roots.join(', ')} can be read.`), 'refused');
  }
  if (reading.kind === 'outside' || !isInsideRoots(reading.real, ctx.roots)) {
    throw new ToolFailure(
      toolUseError(`Access denied: ${absolute} is outside the workspace. Only paths inside ${ctx.roots.join(', ')} can be read.`),
      'refused',
    );
  }
  return { absolute, real: reading.real, exists: reading.exists };
}

/**
 * The places a search covers: the path the model gave; without one, the working directory, or,
 * in a question about the whole workspace (`searchesAllRoots`), every root. The root that holds
 * the working directory comes first, so its results keep the relative paths of the trained
 * output; the other roots' results come out as absolute paths, which is what the trained tools
 * printed for anything outside the working directory, and which say which root a line is from.
 */
export async function searchTargets(given: string | undefined, ctx: Pick<ToolContext, 'cwd' | 'roots' | 'searchesAllRoots'>): Promise<WorkspacePath[]> {
  if (given !== undefined) return [await resolveWorkspacePath(given, ctx)];
  if (!ctx.searchesAllRoots || ctx.roots.length === 0) return [await resolveWorkspacePath(ctx.cwd, ctx)];
  const home = rootOf(ctx.cwd, outermostRoots(ctx.roots));
  const ordered = [...(home === undefined ? [] : [home]), ...rootsBeside(ctx.cwd, ctx.roots)];
  return Promise.all(ordered.map((root) => resolveWorkspacePath(root, ctx)));
}

/**
 * The roots a whole-workspace search covers besides the one that holds `cwd`: every outermost
 * root that does not hold it, in workspace order (its results are the ones that need a root's name).
 */
export function rootsBeside(cwd: string, roots: readonly string[], rules: PathRules = hostPathRules): string[] {
  return outermostRoots(roots, rules).filter((root) => !isInside(cwd, root, rules));
}

/** The roots that no other root holds: a root inside another is already searched through it. Workspace order is kept. */
export function outermostRoots(roots: readonly string[], rules: PathRules = hostPathRules): string[] {
  const unique = distinctPaths(roots, rules);
  return unique.filter((root) => !unique.some((other) => other !== root && isInside(root, other, rules)));
}

/**
 * Each place once, first spelling kept: `C:\repo` and `c:\repo` are one folder on Windows, and
 * two spellings of one root would each hold the other, so neither would count as outermost.
 */
export function distinctPaths(paths: readonly string[], rules: PathRules = hostPathRules): string[] {
  return paths.filter((place, index) => !paths.slice(0, index).some((earlier) => pathBelow(place, earlier, rules) === ''));
}

/**
 * True when `candidate` is `root` or lies below it, by the platform's rules (pathRules: drive
 * letters, either slash and case on Windows, case on a Mac's default volume). Compares paths as
 * given: resolve symlinks first where a link could lead out.
 */
export function isInside(candidate: string, root: string, rules: PathRules = hostPathRules): boolean {
  return liesInside(candidate, root, rules);
}

export function isInsideRoots(candidate: string, roots: readonly string[], rules: PathRules = hostPathRules): boolean {
  return roots.some((root) => isInside(candidate, root, rules));
}

/** How a path appears to the model: relative to the working directory unless that would climb out of it (the trained tools' rule). */
export function displayPath(absolute: string, cwd: string, rules: PathRules = hostPathRules): string {
  const below = pathBelow(absolute, cwd, rules);
  if (below === '') return '.';
  return below === undefined ? absolute : toSlashes(below, rules);
}

/**
 * The workspace root that holds `target`: the innermost when roots nest, undefined when none does.
 */
export function rootOf(target: string, roots: readonly string[], rules: PathRules = hostPathRules): string | undefined {
  return roots.filter((root) => isInside(target, root, rules)).sort((a, b) => b.length - a.length)[0];
}

/**
 * How a path appears to the user, the one labelling style of cards, links, scopes and history:
 * relative to its workspace root, with the root's name in front when the workspace has several
 * (`src/a.py`, `ws-b/src/cart.ts`, see rootLabel); a root itself by its name; a path outside
 * every root as it is.
 */
export function workspaceLabel(target: string, roots: readonly string[], rules: PathRules = hostPathRules): string {
  const root = rootOf(target, roots, rules);
  if (root === undefined) return target;
  const relative = toSlashes(pathBelow(target, root, rules) ?? '', rules);
  if (relative === '') return rootLabel(root, roots, rules);
  return roots.length > 1 ? `${rootLabel(root, roots, rules)}/${relative}` : relative;
}

/** Workspace roots as a tool sees them: a fixed list, or a function that reads the workspace's folders at each call (they can change mid-run). */
export type RootsSource = readonly string[] | (() => readonly string[]);

export function currentRoots(source: RootsSource): readonly string[] {
  return typeof source === 'function' ? source() : source;
}


/**
 * A path read the way the kernel reads it, before anything opens it. Every real program the tools
 * start (ripgrep, git) and every file the tools open gets the `real` of such a reading, never the
 * model's text: when the host takes a path one way and the program another, the host checks one
 * file and the program opens another (`lnk/..` taken lexically by Node, physically by the kernel;
 * a link through `/proc/self/cwd` that dangles for the host and is live for a child in another
 * folder; a path past PATH_MAX that Node cannot resolve and ripgrep opens relative to a folder).
 */
export type PathReading =
  /**
   * `real` has no links and no `.` or `..`. When `exists` is false, `real` is the first name on
   * the way that is missing, in its real folder (what follows it is dropped, `..` included): a
   * program given `real` fails there just as the kernel fails on the whole path.
   */
  | { kind: 'resolved'; real: string; exists: boolean }
  /**
   * It leads outside the roots before it could be resolved: through a link whose target is an
   * absolute place outside (whether or not it resolves here), through a per-process place
   * (`/proc`, `/dev`, `/sys`), or to a failure outside (whose cause is none of the model's business).
   */
  | { kind: 'outside' }
  /**
   * What a program could open here differs from what the host can check, or the walk failed
   * where ENOENT alone does not explain it: a dangling link, a loop, a name too long, no
   * permission, a file used as a folder, a link through a per-process place.
   */
  | { kind: 'unresolvable'; reason: string };

/** What one name on the way is, as lstat (and readlink for a link) says. */
export type Probe = { kind: 'directory' } | { kind: 'other' } | { kind: 'link'; target: string } | { kind: 'missing' } | { kind: 'error'; code: string };

/** Linux's own limits: 40 links followed in one lookup, 4,096 bytes in a path. */
const MAX_LINKS = 40;
const MAX_PATH_LENGTH = 4096;

/** Reads `given` (absolute, or relative to `cwd`) name by name, following links as the kernel does. */
export async function readPath(given: string, cwd: string, roots: readonly string[]): Promise<PathReading> {
  const walk = walkPath(given, cwd, roots, hostPathRules);
  for (let step = walk.next(); ; ) {
    if (step.done) return step.value;
    step = walk.next(await probe(step.value));
  }
}

/** readPath for callers that cannot wait: the Bash gate judges a command line synchronously. */
export function readPathSync(given: string, cwd: string, roots: readonly string[]): PathReading {
  return readPathBy(probeSync, given, cwd, roots, hostPathRules);
}

/**
 * The same reading with another machine's file system and rules: what each name is comes from
 * `probeName` (lstat, and readlink for a link), so that a test can walk a Windows tree on Linux.
 */
export function readPathBy(probeName: (target: string) => Probe, given: string, cwd: string, roots: readonly string[], rules: PathRules): PathReading {
  const walk = walkPath(given, cwd, roots, rules);
  for (let step = walk.next(); ; ) {
    if (step.done) return step.value;
    step = walk.next(probeName(step.value));
  }
}

async function probe(target: string): Promise<Probe> {
  try {
    const stats = await lstat(target);
    return stats.isSymbolicLink() ? { kind: 'link', target: await readlink(target) } : kindOf(stats);
  } catch (error) {
    return failed(error);
  }
}

function probeSync(target: string): Probe {
  try {
    const stats = lstatSync(target);
    return stats.isSymbolicLink() ? { kind: 'link', target: readlinkSync(target) } : kindOf(stats);
  } catch (error) {
    return failed(error);
  }
}

function kindOf(stats: Stats): Probe {
  return { kind: stats.isDirectory() ? 'directory' : 'other' };
}

function failed(error: unknown): Probe {
  const code = (error as NodeJS.ErrnoException).code ?? 'EIO';
  return code === 'ENOENT' ? { kind: 'missing' } : { kind: 'error', code };
}

/** One name still to walk; `fromLink` marks the names a link's target put on the way. */
interface Name {
  name: string;
  fromLink: boolean;
}

/**
 * The walk itself, as a generator that yields each path to probe, so that the synchronous and the
 * asynchronous reading are one algorithm. `current` is always a real folder: `..` is its parent.
 */
function* walkPath(given: string, cwd: string, roots: readonly string[], rules: PathRules): Generator<string, PathReading, Probe> {
  const paths = rules.path;
  const start = paths.isAbsolute(given) ? given : `${cwd}${paths.sep}${given}`;
  let current = paths.parse(paths.resolve(start)).root;
  const names: Name[] = namesOf(start, paths).map((name) => ({ name, fromLink: false }));
  let links = 0;
  let isDirectory = true;
  // The deepest real place reached: failures outside the workspace are reported as outside, not by their cause.
  const refuse = (reason: string): PathReading => (isInsideRoots(current, roots, rules) ? { kind: 'unresolvable', reason } : { kind: 'outside' });
  while (names.length > 0) {
    const { name, fromLink } = names.shift()!;
    if (!isDirectory) return refuse(`${current} is not a directory`);
    if (name === '.') continue;
    if (name === '..') {
      current = paths.dirname(current);
      continue;
    }
    const next = paths.join(current, name);
    if (next.length >= MAX_PATH_LENGTH) return refuse(`${start} is too long to resolve`);
    if (inPerProcessPlace(next, rules)) return { kind: 'outside' };
    const found: Probe = yield next;
    switch (found.kind) {
      case 'missing':
        // A link whose target is missing is one a child might read otherwise (another cwd, another root).
        if (fromLink) return refuse(`${start} is a symbolic link to ${next}, which does not exist`);
        return { kind: 'resolved', real: next, exists: false };
      case 'error':
        return refuse(`${next} cannot be resolved (${found.code})`);
      case 'link': {
        if (++links > MAX_LINKS) return refuse(`${start}: too many levels of symbolic links`);
        const target = found.target;
        if (paths.isAbsolute(target)) {
          const landing = paths.resolve(target);
          if (!isInsideRoots(landing, roots, rules)) return { kind: 'outside' };
          current = paths.parse(landing).root;
        }
        names.unshift(...namesOf(target, paths).map((part) => ({ name: part, fromLink: true })));
        isDirectory = true;
        continue;
      }
      default:
        current = next;
        isDirectory = found.kind === 'directory';
    }
  }
  // `file/` names a folder: the kernel answers ENOTDIR.
  if (!isDirectory && (start.endsWith(paths.sep) || start.endsWith('/'))) return refuse(`${current} is not a directory`);
  return { kind: 'resolved', real: current, exists: true };
}

/** The names of a path after its root, `.` and `..` kept (they are walked, not normalised away). */
function namesOf(text: string, paths: path.PlatformPath): string[] {
  const withoutRoot = text.slice(paths.parse(text).root.length);
  return withoutRoot.split(paths.sep === '\\' ? /[\\/]/ : '/').filter((name) => name !== '');
}
