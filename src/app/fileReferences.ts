import { readFile, realpath, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import type { FileReference } from '../protocol/fileReference';
import type { ResolvedLink, ResolvedLinks, UnverifiedReason } from '../protocol/webview';
import { hostPathRules, pathBelow, toSlashes, type PathRules } from '../tools/support/pathRules';
import { rootLabel, rootsNamedBy } from '../tools/support/rootLabels';
import { isInsideRoots, readPath, rootOf, workspaceLabel } from '../tools/support/workspacePaths';

/**
 * Checks file references from model and tool text against the workspace before the view links
 * them. Everything here is untrusted input: a reference becomes a link only when it names a
 * regular file whose real path (symlinks resolved) lies inside a workspace folder, and whose
 * lines exist. Kept free of `vscode` so that it is tested on a real directory tree.
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
  why?: 'notFound' | 'outsideWorkspace' | 'folder' | 'notAFile';
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

/**
 * Resolves references as every surface shows them (the view, the CLI's report, other agents').
 * An absolute reference names its file. A relative one is tried, in this order: against each of
 * `bases` (the runs' working folders), against each workspace root in the workspace's order,
 * then as a root-labelled path (`ws-b/src/cart.ts`, the form the labels use) under the root of
 * that name. The first place that holds the file wins; with several roots the link names the
 * root it used, and the other roots that hold the same path too (`alsoIn`).
 */
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
  const places: Places = { bases: [...new Set([...context.bases, ...context.roots])], roots: context.roots };
  const home = context.home ?? homedir();
  const entries = await Promise.all(
    refs.map(async (ref): Promise<[string, ResolvedLink]> => [ref.text, withLabel(ref, await resolveOne(ref, places, home, factsOf), context.roots, home)]),
  );
  return Object.fromEntries(entries);
}

export interface Places {
  /** Folders a relative reference is tried against, in order. */
  bases: readonly string[];
  roots: readonly string[];
}

/**
 * Shows a reference the way every label reads (workspaceLabel): `/home/me/app/src/a.py:3` and,
 * in a scoped run, `a.py:3` both read `src/a.py:3`, and `ws-b/src/cart.ts:11` with several roots;
 * an absolute one outside the workspace reads `~/…` where it is in the home folder. The tooltip
 * still names the whole path.
 */
export function withLabel(ref: FileReference, link: ResolvedLink, roots: readonly string[], home: string, rules: PathRules = hostPathRules): ResolvedLink {
  if (!ref.text.startsWith(ref.path)) return link;
  const paths = rules.path;
  const target = link.path ?? (paths.isAbsolute(ref.path) ? paths.resolve(ref.path) : undefined);
  if (target === undefined) return link;
  const root = rootOf(target, roots, rules);
  let shown: string | undefined;
  if (root !== undefined) {
    if (pathBelow(target, root, rules) !== '') shown = workspaceLabel(target, roots, rules);
  } else {
    const inHome = home === '' ? undefined : pathBelow(target, home, rules);
    if (inHome !== undefined && inHome !== '') shown = `~/${toSlashes(inHome, rules)}`;
  }
  const label = `${shown}${ref.text.slice(ref.path.length)}`;
  return shown === undefined || label === ref.text ? link : { ...link, label };
}

/**
 * The places a reference may name, in the order they are tried (see resolveReferences): an
 * absolute one (`/x/a.ts`, `C:\repo\a.ts`, `c:/repo/a.ts`, `~/a.ts` or `~\a.ts`) names one; a
 * relative one (`src/a.ts`, `src\a.ts`) is tried against each base, then as a root-labelled path.
 */
export function referenceCandidates(written: string, places: Places, home: string, rules: PathRules = hostPathRules): string[] {
  const paths = rules.path;
  const expanded = home !== '' && /^~(?:[\\/]|$)/.test(written) ? paths.join(home, written.slice(1)) : written;
  if (paths.isAbsolute(expanded)) return [paths.resolve(expanded)];
  const labelled = rootsNamedBy(expanded, places.roots, rules).map(({ root, rest }) => paths.resolve(root, rest));
  return [...new Set([...places.bases.map((base) => paths.resolve(base, expanded)), ...labelled])];
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
  places: Places,
  home: string,
  factsOf: (candidate: string) => Promise<FileFacts>,
): Promise<ResolvedLink> {
  if (ref.path.includes('\0')) return { exists: false, reason: 'notFound' };
  const candidates = referenceCandidates(ref.path, places, home);
  const misses: { candidate: string; facts: FileFacts }[] = [];
  const found: { candidate: string; facts: FileFacts }[] = [];
  for (const candidate of candidates) {
    const facts = await factsOf(candidate);
    if (facts.real === null) misses.push({ candidate, facts });
    else found.push({ candidate, facts });
    // With one root the first find is the answer; with several, the others are looked for too.
    if (found.length > 0 && places.roots.length < 2) break;
  }
  const chosen = found[0];
  if (chosen === undefined) {
    // A folder is a place, just not a file: said as such, with where it is (`lib/`, `lib:1`).
    const folder = misses.find((miss) => miss.facts.why === 'folder');
    if (folder) return { exists: false, reason: 'folder', path: folder.candidate, ...lines(ref), ...rootsOf(folder.candidate, [folder], places.roots) };
    return { exists: false, reason: missReason(misses.map((miss) => miss.facts.why)) };
  }
  const { candidate, facts } = chosen;
  const where = rootsOf(candidate, found, places.roots);
  if (ref.line === undefined) return { exists: true, path: candidate, ...where };
  const unverified = { exists: false, path: candidate, ...lines(ref), ...where } as const;
  if (ref.line === 0) return { ...unverified, reason: 'lineZero' };
  if (ref.endLine !== undefined && ref.endLine < ref.line) return { ...unverified, reason: 'reversedRange' };
  if (facts.lineCount !== undefined && (ref.endLine ?? ref.line) > facts.lineCount) return { ...unverified, reason: 'pastEnd', lineCount: facts.lineCount };
  return { exists: true, path: candidate, line: ref.line, ...(ref.endLine !== undefined && ref.endLine > ref.line ? { endLine: ref.endLine } : {}), ...where };
}

/** The reference's lines as a verdict carries them (a line 0 is said by the reason alone). */
function lines(ref: FileReference): Pick<ResolvedLink, 'line' | 'endLine'> {
  if (ref.line === undefined || ref.line === 0) return {};
  return { line: ref.line, ...(ref.endLine !== undefined && ref.endLine !== ref.line ? { endLine: ref.endLine } : {}) };
}

/** With several roots: the root the file was taken from, and the other roots that hold the reference too. */
function rootsOf(chosen: string, found: readonly { candidate: string }[], roots: readonly string[]): Pick<ResolvedLink, 'root' | 'alsoIn'> {
  if (roots.length < 2) return {};
  const root = rootOf(chosen, roots);
  if (root === undefined) return {};
  const others = [...new Set(found.map((place) => rootOf(place.candidate, roots)))].filter((other): other is string => other !== undefined && other !== root);
  const label = (named: string) => rootLabel(named, roots);
  return { root: label(root), ...(others.length > 0 ? { alsoIn: others.map(label) } : {}) };
}

/** Outside the workspace only when every place it could be is; a special file found beats a file not found. */
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
    if (info.isDirectory()) return { real: null, why: 'folder' };
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

/**
 * Where `candidate` lands (by the one reading of a path) when it is inside a workspace folder both
 * as written and resolved; null when it is outside or cannot be resolved as the editor would open it.
 */
async function realPathInside(candidate: string, { roots, realRoots }: Confinement): Promise<{ real: string; exists: boolean } | null> {
  if (isNetworkPath(candidate) && !roots.some(isNetworkPath)) return null;
  if (!isInsideRoots(candidate, [...roots, ...realRoots])) return null;
  const reading = await readPath(candidate, candidate, realRoots);
  if (reading.kind !== 'resolved') return null;
  return isInsideRoots(reading.real, realRoots) ? reading : null;
}

/** A UNC or device path (\\server\share, \\?\C:\, //server/share). */
function isNetworkPath(candidate: string): boolean {
  return /^[\\/]{2}/.test(candidate);
}

async function confinementOf(roots: readonly string[]): Promise<Confinement> {
  // The roots are the user's own choice: resolved with every link followed, wherever they lead.
  const resolved = await Promise.all(roots.map((root) => realpath(root).catch(() => undefined)));
  return { roots, realRoots: resolved.filter((root): root is string => root !== undefined) };
}
