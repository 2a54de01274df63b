import { readFile, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import type { FileReference } from '../protocol/fileReference';
import type { ResolvedLink, ResolvedLinks, UnverifiedReason } from '../protocol/webview';
import { isInside, isInsideRoots, nearestRealPath, type NearestRealPath } from '../tools/support/workspacePaths';

/**
 * Checks file references from model and tool text against the workspace before the view links
 * them. Everything here is untrusted input: a reference becomes a link only when it names a
 * regular file whose real path (symlinks resolved) lies inside a workspace folder, and whose
 * first line exists. Kept free of `vscode` so that it is tested on a real directory tree.
 */

/** Workspace folders as opened and as real paths: a path is checked against both before touching the disk. */
interface Confinement {
  roots: readonly string[];
  realRoots: readonly string[];
}

/** Files larger than this are linked without checking the line (counting would stall the host). */
const MAX_BYTES_FOR_LINE_CHECK = 64 * 1024 * 1024;

interface FileFacts {
  /** Null when the candidate is not a regular file inside the workspace. */
  real: string | null;
  /** With `real` null: why. */
  why?: Exclude<UnverifiedReason, 'pastEnd'>;
  lineCount?: number;
}

export interface ReferenceContext {
  /** Workspace folders (absolute). */
  roots: readonly string[];
  /** Folders that relative references are tried against first (the runs' working directories). */
  bases: readonly string[];
  /** What `~` stands for (the user's home folder). */
  home?: string;
}

export async function resolveReferences(refs: readonly FileReference[], context: ReferenceContext): Promise<ResolvedLinks> {
  const confinement = await confinementOf(context.roots);
  const facts = new Map<string, Promise<FileFacts>>();
  const factsOf = (candidate: string) => {
    let known = facts.get(candidate);
    if (!known) {
      known = inspect(candidate, confinement);
      facts.set(candidate, known);
    }
    return known;
  };
  const bases = [...new Set([...context.bases, ...context.roots])];
  const home = context.home ?? homedir();
  const entries = await Promise.all(
    refs.map(async (ref): Promise<[string, ResolvedLink]> => [ref.text, withLabel(ref, await resolveOne(ref, bases, home, factsOf), context.roots, home)]),
  );
  return Object.fromEntries(entries);
}

/**
 * Shows an absolute reference as the workspace-relative one it equals (`/home/me/app/src/a.py:3`
 * reads `src/a.py:3`), whether or not it checked out, and one outside the workspace under `~`
 * where it is in the home folder; the tooltip still names the whole path.
 */
function withLabel(ref: FileReference, link: ResolvedLink, roots: readonly string[], home: string): ResolvedLink {
  if (!path.isAbsolute(ref.path) || !ref.text.startsWith(ref.path)) return link;
  const target = path.resolve(ref.path);
  const root = roots.filter((candidate) => isInside(target, candidate)).sort((a, b) => b.length - a.length)[0];
  let shown: string | undefined;
  if (root !== undefined) {
    const relative = toSlashes(path.relative(root, target));
    if (relative !== '') shown = roots.length > 1 ? `${path.basename(root)}/${relative}` : relative;
  } else if (home !== '' && isInside(target, home) && target !== home) {
    shown = `~/${toSlashes(path.relative(home, target))}`;
  }
  return shown === undefined ? link : { ...link, label: `${shown}${ref.text.slice(ref.path.length)}` };
}

function toSlashes(relative: string): string {
  return relative.split(path.sep).join('/');
}

/** `~/x` as the shell reads it. */
function expandHome(written: string, home: string): string {
  return home !== '' && /^~(?:[\/]|$)/.test(written) ? path.join(home, written.slice(1)) : written;
}

/**
 * The real path of a file the view asked to open, or undefined when it is not a regular file
 * inside a workspace folder. The view's message is not trusted even for paths the host resolved.
 */
export async function resolveOpenTarget(filePath: string, roots: readonly string[]): Promise<string | undefined> {
  if (!path.isAbsolute(filePath)) return undefined;
  const facts = await inspect(path.resolve(filePath), await confinementOf(roots), false);
  return facts.real ?? undefined;
}

/**
 * The real path of `target` when it lies inside a workspace folder both as written and with
 * symlinks resolved; null otherwise. The path is checked as written first, so that a path the
 * view or the model made up never reaches the file system: on Windows, resolving a UNC path
 * (\\server\share) would already connect to that server.
 */
export async function confinedRealPath(target: string, roots: readonly string[]): Promise<string | null> {
  if (!path.isAbsolute(target)) return null;
  const landed = await realPathInside(path.resolve(target), await confinementOf(roots));
  return landed?.exists ? landed.real : null;
}

async function resolveOne(
  ref: FileReference,
  bases: readonly string[],
  home: string,
  factsOf: (candidate: string) => Promise<FileFacts>,
): Promise<ResolvedLink> {
  if (ref.path.includes('\0')) return { exists: false, reason: 'notFound' };
  const written = expandHome(ref.path, home);
  const candidates = path.isAbsolute(written) ? [path.resolve(written)] : bases.map((base) => path.resolve(base, written));
  const misses: FileFacts['why'][] = [];
  for (const candidate of candidates) {
    const facts = await factsOf(candidate);
    if (facts.real === null) {
      misses.push(facts.why);
      continue;
    }
    if (ref.line === undefined) return { exists: true, path: candidate };
    if (facts.lineCount !== undefined && ref.line > facts.lineCount) {
      return { exists: false, reason: 'pastEnd', path: candidate, line: ref.line, lineCount: facts.lineCount };
    }
    const endLine = ref.endLine !== undefined && ref.endLine > ref.line ? Math.min(ref.endLine, facts.lineCount ?? ref.endLine) : undefined;
    return { exists: true, path: candidate, line: ref.line, ...(endLine !== undefined && endLine > ref.line ? { endLine } : {}) };
  }
  return { exists: false, reason: missReason(misses) };
}

/** Outside the workspace only when every place it could be is; a folder found beats a file not found. */
function missReason(misses: readonly FileFacts['why'][]): UnverifiedReason {
  if (misses.length > 0 && misses.every((why) => why === 'outsideWorkspace')) return 'outsideWorkspace';
  return misses.includes('notAFile') ? 'notAFile' : 'notFound';
}

async function inspect(candidate: string, confinement: Confinement, countLines = true): Promise<FileFacts> {
  try {
    const landed = await realPathInside(candidate, confinement);
    if (landed === null) return { real: null, why: 'outsideWorkspace' };
    if (!landed.exists) return { real: null, why: 'notFound' };
    const real = landed.real;
    const info = await stat(real);
    if (!info.isFile()) return { real: null, why: 'notAFile' };
    if (!countLines || info.size > MAX_BYTES_FOR_LINE_CHECK) return { real };
    return { real, lineCount: lineCountOf(await readFile(real)) };
  } catch {
    return { real: null, why: 'notFound' };
  }
}

/** Lines as an editor counts them: a final line without a newline counts, a trailing newline does not add one. */
function lineCountOf(content: Buffer): number {
  if (content.length === 0) return 1;
  let newlines = 0;
  for (let index = content.indexOf(10); index !== -1; index = content.indexOf(10, index + 1)) newlines++;
  return content[content.length - 1] === 10 ? newlines : newlines + 1;
}

/** Where `candidate` lands when it is inside a workspace folder both as written and resolved; null when it is outside. */
async function realPathInside(candidate: string, { roots, realRoots }: Confinement): Promise<NearestRealPath | null> {
  if (isNetworkPath(candidate) && !roots.some(isNetworkPath)) return null;
  if (!isInsideRoots(candidate, [...roots, ...realRoots])) return null;
  const landed = await nearestRealPath(candidate);
  return isInsideRoots(landed.real, realRoots) ? landed : null;
}

/** A UNC or device path (\\server\share, \\?\C:\, //server/share). */
function isNetworkPath(candidate: string): boolean {
  return /^[\\/]{2}/.test(candidate);
}

async function confinementOf(roots: readonly string[]): Promise<Confinement> {
  const resolved = await Promise.all(roots.map(nearestRealPath));
  return { roots, realRoots: resolved.filter((root) => root.exists).map((root) => root.real) };
}
