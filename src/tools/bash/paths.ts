import { statSync } from 'node:fs';
import path from 'node:path';
import { isInsideRoots, nearestRealPathSync } from '../support/workspacePaths';
import { MAX_FILE_READ_BYTES } from './limits';
import { Refusal } from './gate/refusal';

/** Where `target` lands with every existing symlink followed (see nearestRealPathSync): what confinement judges. */
export function resolveReal(target: string): string {
  return nearestRealPathSync(target).real;
}

/**
 * Refuses a path argument that resolves outside every workspace root, or that names something
 * other than a file or directory (a FIFO or device would block or never end).
 */
export function confinePath(argument: string, cwd: string, roots: readonly string[], glob: boolean, readsContent = false): void {
  if (argument === '-') return;
  // For a glob, judge the directory it expands in: everything before the first wildcard.
  const literal = glob ? argument.slice(0, argument.search(/[*?[]/)) : argument;
  const absolute = path.resolve(cwd, literal === '' ? '.' : literal);
  const real = resolveReal(absolute);
  if (!isInsideRoots(real, roots)) {
    const shown = argument.length > 80 ? `${argument.slice(0, 77)}...` : argument;
    throw new Refusal(`${shown} is outside the workspace (${roots.join(', ')}); only files inside it can be read`);
  }
  if (glob) return;
  try {
    const stat = statSync(real);
    if (!stat.isFile() && !stat.isDirectory()) throw new Refusal(`${argument} is not a regular file or directory`);
    if (readsContent && stat.size > MAX_FILE_READ_BYTES) {
      const size = `${(stat.size / 1024 / 1024).toFixed(1)} MB`;
      throw new Refusal(`${argument} is ${size}, more than this tool reads (${MAX_FILE_READ_BYTES / 1024 / 1024} MB); search it with grep or rg instead`);
    }
  } catch (error) {
    if (error instanceof Refusal) throw error;
  }
}

/** The workspace roots as real paths, for comparison with resolved arguments. */
export function realRoots(roots: readonly string[]): string[] {
  return roots.map(resolveReal);
}
