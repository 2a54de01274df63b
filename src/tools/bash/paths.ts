import { realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { isInsideRoots, readPathSync } from '../support/workspacePaths';
import { MAX_FILE_READ_BYTES } from './limits';
import { Refusal } from './gate/refusal';

/**
 * Reads `argument` from `cwd` by the one reading of a path (readPathSync) and confines it to the
 * workspace: returns the real path, the only form of it a real program may be given. Refuses a
 * path that resolves outside every root or cannot be resolved as a program would open it, and
 * one that names something other than a file or directory (a FIFO or device would block or
 * never end). For a glob, the directory it expands in (everything before the first wildcard) is
 * judged, and returned.
 */
export function confinePath(argument: string, cwd: string, roots: readonly string[], glob: boolean, readsContent = false): string {
  if (argument === '-') return argument;
  const literal = glob ? argument.slice(0, argument.search(/[*?[]/)) : argument;
  const reading = readPathSync(literal === '' ? '.' : literal, cwd, roots);
  const shown = argument.length > 80 ? `${argument.slice(0, 77)}...` : argument;
  if (reading.kind === 'unresolvable') throw new Refusal(`${shown} cannot be read here: ${reading.reason}`);
  if (reading.kind === 'outside' || !isInsideRoots(reading.real, roots)) {
    throw new Refusal(`${shown} is outside the workspace (${roots.join(', ')}); only files inside it can be read`);
  }
  if (glob || !reading.exists) return reading.real;
  let stat;
  try {
    stat = statSync(reading.real);
  } catch {
    return reading.real;
  }
  if (!stat.isFile() && !stat.isDirectory()) throw new Refusal(`${argument} is not a regular file or directory`);
  if (readsContent && stat.size > MAX_FILE_READ_BYTES) {
    const size = `${(stat.size / 1024 / 1024).toFixed(1)} MB`;
    throw new Refusal(`${argument} is ${size}, more than this tool reads (${MAX_FILE_READ_BYTES / 1024 / 1024} MB); search it with grep or rg instead`);
  }
  return reading.real;
}

/** The workspace roots as real paths: the user chose them, so every link in them is followed. */
export function realRoots(roots: readonly string[]): string[] {
  return roots.map((root) => {
    try {
      return realpathSync.native(root);
    } catch {
      return root;
    }
  });
}

/** Where a command line starts: `cwd` read by the one reading when it is a folder inside the roots. */
export function startingFolder(cwd: string, roots: readonly string[]): string | undefined {
  const reading = readPathSync(cwd, cwd, roots);
  if (reading.kind === 'resolved' && reading.exists && isInsideRoots(reading.real, roots)) return reading.real;
  return roots[0];
}

/** The real path of `target` (absolute) by the one reading when it lies inside the roots; undefined otherwise. */
export function realInside(target: string, roots: readonly string[]): string | undefined {
  const reading = readPathSync(target, target, roots);
  return reading.kind === 'resolved' && isInsideRoots(reading.real, roots) ? reading.real : undefined;
}

/**
 * Where `argument` lands by the one reading, for a path the gate and the shell's guard have
 * already confined (they refused anything outside): the place to open on disk, or undefined
 * when it does not resolve to an existing file or folder.
 */
export function landingOf(argument: string, cwd: string): string | undefined {
  const reading = readPathSync(argument, cwd, [path.parse(cwd).root]);
  return reading.kind === 'resolved' && reading.exists ? reading.real : undefined;
}
