import { readdir } from 'node:fs/promises';
import path from 'node:path';

/**
 * A sibling whose name is close to a missing file's (another extension, other letter case, or a
 * typo or two), so that the model can retry at once. Null when nothing is close enough.
 */
export async function findSimilarSibling(missing: string): Promise<string | null> {
  const directory = path.dirname(missing);
  const wanted = path.basename(missing);
  let names: string[];
  try {
    names = await readdir(directory);
  } catch {
    return null;
  }
  let best: { name: string; distance: number } | null = null;
  for (const name of names) {
    const distance = nameDistance(wanted, name);
    if (distance <= Math.min(2, Math.floor(wanted.length / 4)) || sameStem(wanted, name)) {
      const score = sameStem(wanted, name) ? 0 : distance;
      if (best === null || score < best.distance) best = { name, distance: score };
    }
  }
  return best === null ? null : path.join(directory, best.name);
}

function sameStem(a: string, b: string): boolean {
  const stem = (name: string) => name.slice(0, name.length - path.extname(name).length).toLowerCase();
  return stem(a) !== '' && stem(a) === stem(b);
}

/** Levenshtein distance, case-insensitive. */
function nameDistance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  let previous = Array.from({ length: y.length + 1 }, (_, i) => i);
  for (let i = 1; i <= x.length; i++) {
    const current = [i];
    for (let j = 1; j <= y.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (x[i - 1] === y[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[y.length]!;
}
