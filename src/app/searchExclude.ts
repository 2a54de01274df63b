import { z } from 'zod';

/** VS Code's `files.exclude`: glob → true/false, or a `{ when }` condition on sibling files. */
const FilesExclude = z.record(z.string(), z.unknown());

/**
 * The globs from `files.exclude` that the search tools leave out. Only plain `true` entries
 * count: a `{ when: … }` entry hides a file only next to a sibling, which a glob cannot say.
 */
export function excludedGlobs(filesExclude: unknown): string[] {
  const parsed = FilesExclude.safeParse(filesExclude ?? {});
  if (!parsed.success) return [];
  return Object.entries(parsed.data)
    .filter(([glob, value]) => value === true && glob.trim() !== '')
    .map(([glob]) => glob);
}
