import { realpathSync } from 'node:fs';
import { realpath } from 'node:fs/promises';
import path from 'node:path';
import { ToolFailure, toolUseError, type ToolContext } from '../defineTool';
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
 * Resolves a path the model gave (absolute, or relative to the working directory) and confines it
 * to the workspace roots. A path that does not exist is confined through its nearest existing
 * ancestor, so that the tool can still answer "does not exist" for a missing file in the workspace
 * while a missing file elsewhere is refused like any other outside path.
 */
export async function resolveWorkspacePath(given: string, ctx: Pick<ToolContext, 'cwd' | 'roots'>): Promise<WorkspacePath> {
  if (given === '~' || given.startsWith('~/') || given.startsWith('~\\')) {
    throw new ToolFailure(
      toolUseError(`The path ${given} starts with ~, which is not expanded. Use an absolute path inside the workspace (${ctx.roots.join(', ')}).`),
    );
  }
  const absolute = path.resolve(ctx.cwd, given);
  const { real, exists } = await nearestRealPath(absolute);
  if (!isInsideRoots(real, ctx.roots)) {
    throw new ToolFailure(
      toolUseError(`Access denied: ${absolute} is outside the workspace. Only paths inside ${ctx.roots.join(', ')} can be read.`),
      'refused',
    );
  }
  return { absolute, real, exists };
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
export function rootsBeside(cwd: string, roots: readonly string[]): string[] {
  return outermostRoots(roots).filter((root) => !isInside(cwd, root));
}

/** The roots that no other root holds: a root inside another is already searched through it. Workspace order is kept. */
export function outermostRoots(roots: readonly string[]): string[] {
  const unique = [...new Set(roots)];
  return unique.filter((root) => !unique.some((other) => other !== root && isInside(root, other)));
}

/** True when `candidate` is `root` or lies below it. Compares paths as given: resolve symlinks first where a link could lead out. */
export function isInside(candidate: string, root: string): boolean {
  const relative = path.relative(root, candidate);
  return relative === '' || (!climbsOut(relative) && !path.isAbsolute(relative));
}

export function isInsideRoots(candidate: string, roots: readonly string[]): boolean {
  return roots.some((root) => isInside(candidate, root));
}

/** How a path appears to the model: relative to the working directory unless that would climb out of it (the trained tools' rule). */
export function displayPath(absolute: string, cwd: string): string {
  const relative = path.relative(cwd, absolute);
  if (relative === '') return '.';
  if (climbsOut(relative) || path.isAbsolute(relative)) return absolute;
  return toSlashes(relative);
}

/**
 * The workspace root that holds `target`: the innermost when roots nest, undefined when none does.
 */
export function rootOf(target: string, roots: readonly string[]): string | undefined {
  return roots.filter((root) => isInside(target, root)).sort((a, b) => b.length - a.length)[0];
}

/**
 * How a path appears to the user, the one labelling style of cards, links, scopes and history:
 * relative to its workspace root, with the root's name in front when the workspace has several
 * (`src/a.py`, `ws-b/src/cart.ts`, see rootLabel); a root itself by its name; a path outside
 * every root as it is.
 */
export function workspaceLabel(target: string, roots: readonly string[]): string {
  const root = rootOf(target, roots);
  if (root === undefined) return target;
  const relative = toSlashes(path.relative(root, target));
  if (relative === '') return rootLabel(root, roots);
  return roots.length > 1 ? `${rootLabel(root, roots)}/${relative}` : relative;
}

export function toSlashes(relative: string): string {
  return relative.split(path.sep).join('/');
}

/** Workspace roots as a tool sees them: a fixed list, or a function that reads the workspace's folders at each call (they can change mid-run). */
export type RootsSource = readonly string[] | (() => readonly string[]);

export function currentRoots(source: RootsSource): readonly string[] {
  return typeof source === 'function' ? source() : source;
}

/** True for `..` and `../x`, not for a name that merely starts with two dots (`..cache`). */
function climbsOut(relative: string): boolean {
  return relative === '..' || relative.startsWith(`..${path.sep}`);
}

export interface NearestRealPath {
  /** Symlinks resolved as the kernel would, with the missing tail kept as written below the deepest existing ancestor. */
  real: string;
  /** Whether the whole path resolved (not only an ancestor). */
  exists: boolean;
}

/**
 * The real path of `absolute`, judged by where it lands: a link that points out of the workspace
 * resolves to its target. A path that does not resolve is judged through its nearest ancestor
 * that does, so a missing file in the workspace can be answered "does not exist" while a missing
 * file under a link out is still outside. Never throws: what cannot be resolved (missing, a link
 * loop, a folder without search permission) cannot be opened either.
 */
export async function nearestRealPath(absolute: string): Promise<NearestRealPath> {
  for (const step of ancestorsOf(absolute)) {
    const real = await realpath(step.existing).catch(() => undefined);
    if (real !== undefined) return landed(real, step.missing);
  }
  return { real: absolute, exists: false };
}

/** nearestRealPath for callers that cannot wait: the Bash gate judges a command line synchronously. */
export function nearestRealPathSync(absolute: string): NearestRealPath {
  for (const step of ancestorsOf(absolute)) {
    let real: string;
    try {
      real = realpathSync.native(step.existing);
    } catch {
      continue;
    }
    return landed(real, step.missing);
  }
  return { real: absolute, exists: false };
}

/** `absolute` itself, then each ancestor up to the file-system root, with the names below it. */
function* ancestorsOf(absolute: string): Generator<{ existing: string; missing: readonly string[] }> {
  const missing: string[] = [];
  for (let existing = path.resolve(absolute); ; existing = path.dirname(existing)) {
    yield { existing, missing: [...missing].reverse() };
    if (path.dirname(existing) === existing) return;
    missing.push(path.basename(existing));
  }
}

function landed(real: string, missing: readonly string[]): NearestRealPath {
  return { real: path.join(real, ...missing), exists: missing.length === 0 };
}
