import { statSync } from 'node:fs';
import path from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';

/**
 * Stats per slice of work. Synchronous stats are 3–5× faster than promise-based ones on a large
 * tree (no thread-pool round trip per file); yielding between slices keeps the event loop (the
 * shared extension host) responsive and lets a cancellation land.
 */
const STATS_PER_SLICE = 1000;

/**
 * Orders paths by modification time, ties by path. `oldestFirst` follows Glob; Grep lists the
 * newest first. A path that vanished meanwhile counts as oldest.
 */
export async function sortByModificationTime(
  paths: readonly string[],
  options: { cwd: string; oldestFirst: boolean; signal: AbortSignal },
): Promise<string[]> {
  const times = new Map<string, number>();
  for (let start = 0; start < paths.length; start += STATS_PER_SLICE) {
    options.signal.throwIfAborted();
    if (start > 0) await nextTurn();
    for (const file of paths.slice(start, start + STATS_PER_SLICE)) {
      times.set(file, statSync(path.resolve(options.cwd, file), { throwIfNoEntry: false })?.mtimeMs ?? 0);
    }
  }
  const direction = options.oldestFirst ? 1 : -1;
  return [...paths].sort((a, b) => (times.get(a)! - times.get(b)!) * direction || (a < b ? -1 : a > b ? 1 : 0));
}

/** A listed file: the path shown to the model, and where it is on disk (what is stat'ed). */
export interface ListedFile {
  shown: string;
  real: string;
}

/** One listing as ripgrep printed it, oldest first (`--sort modified`), and where each name lies. */
export interface SortedListing {
  names: readonly string[];
  place(name: string): ListedFile;
}

/**
 * The `count` oldest of listings that ripgrep printed oldest first, ordered as
 * sortByModificationTime orders them (time, then the shown path), with only what can still be
 * shown placed and stat'ed: each listing's first `count`, and those after it that share the last
 * one's time (ripgrep's order among equal times is its walk's, not the path's). On 30,000 files
 * this is the difference between a hundred stats and thirty thousand.
 */
export function oldestOfSorted(listings: readonly SortedListing[], count: number): ListedFile[] {
  const candidates: { file: ListedFile; time: number }[] = [];
  for (const listing of listings) {
    let boundary: number | undefined;
    for (const [index, name] of listing.names.entries()) {
      const file = listing.place(name);
      const time = statSync(file.real, { throwIfNoEntry: false })?.mtimeMs ?? 0;
      if (index >= count && time !== boundary) break;
      if (index === count - 1) boundary = time;
      candidates.push({ file, time });
    }
  }
  candidates.sort((a, b) => a.time - b.time || (a.file.shown < b.file.shown ? -1 : a.file.shown > b.file.shown ? 1 : 0));
  return candidates.slice(0, count).map((candidate) => candidate.file);
}
