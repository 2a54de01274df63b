import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { UsageError } from './usageError';

/** A `--cwd` folder as the tools confine paths: absolute and real (symlinks resolved). */
export function workspaceRoot(cwd: string | undefined): string {
  const dir = resolve(cwd ?? process.cwd());
  try {
    return realpathSync(dir);
  } catch {
    throw new UsageError(`The directory ${dir} does not exist.`);
  }
}
