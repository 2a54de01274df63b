import { stat } from 'node:fs/promises';
import path from 'node:path';

/** Enough parallel stats to hide latency without flooding libuv's thread pool. */
const CONCURRENT_STATS = 32;

/**
 * Orders paths by modification time, ties by path. `oldestFirst` follows Glob; Grep lists the
 * newest first. A path that vanished meanwhile counts as oldest.
 */
export async function sortByModificationTime(
  paths: readonly string[],
  options: { cwd: string; oldestFirst: boolean; signal: AbortSignal },
): Promise<string[]> {
  const times = new Map<string, number>();
  let next = 0;
  const worker = async () => {
    while (next < paths.length) {
      options.signal.throwIfAborted();
      const file = paths[next++]!;
      times.set(file, await stat(path.resolve(options.cwd, file)).then((s) => s.mtimeMs, () => 0));
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENT_STATS, paths.length) }, worker));
  const direction = options.oldestFirst ? 1 : -1;
  return [...paths].sort((a, b) => (times.get(a)! - times.get(b)!) * direction || (a < b ? -1 : a > b ? 1 : 0));
}
