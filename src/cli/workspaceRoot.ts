import { accessSync, constants, realpathSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { UsageError } from './usageError';

/**
 * A `--cwd` folder as the tools confine paths: absolute and real (symlinks resolved), and a folder
 * the tools can list and read; anything else is a usage error now rather than a failed tool call
 * in the middle of a run.
 */
export function workspaceRoot(cwd: string | undefined): string {
  if (cwd === '') throw new UsageError('--cwd needs a folder, not an empty value.');
  const dir = resolve(cwd ?? process.cwd());
  let real: string;
  try {
    // The system's realpath, as the tools' roots everywhere: on Windows and macOS it also spells each name as the disk does.
    real = realpathSync.native(dir);
  } catch {
    throw new UsageError(`The directory ${dir} does not exist.`);
  }
  if (!statSync(real).isDirectory()) throw new UsageError(`${dir} is a file, not a folder: --cwd takes the folder to explore.`);
  try {
    accessSync(real, constants.R_OK | constants.X_OK);
  } catch {
    throw new UsageError(`The folder ${dir} cannot be read (permission denied): --cwd takes a folder you can read.`);
  }
  return real;
}
