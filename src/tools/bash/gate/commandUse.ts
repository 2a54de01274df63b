import type { WordPosition } from './options';
/**
 * What the gate needs to know about one allowed command after its arguments were checked. Its
 * own module so that the per-command policies (commandPolicy.ts, gitPolicy.ts, …) can each
 * return it without importing one another.
 */
export interface CommandUse {
  /** Arguments that name files or directories to read; each must stay inside the workspace. */
  paths: string[];
  /**
   * For commands that run as real programs (grep, rg): each of `paths` with where it stands in
   * argv, so that the program can be given the path as the host read it instead of its text.
   */
  pathWords?: PathWord[];
  /** `cd DIR`: later commands resolve relative paths from DIR. */
  changesDirectoryTo?: string;
  /**
   * A recursive search that names no path (`rg PATTERN`, `grep -rn PATTERN`, `find -name X`): it
   * searches the working directory by default, so in a question about the whole workspace it may
   * cover every root. An explicit `.` is a path, and keeps to the working directory.
   */
  searchesWithoutPath?: boolean;
  /**
   * Bytes read from the start of each file in `paths`, where the command reads no further:
   * `head -c N` reads N, `wc -c` none (it counts by the size). Absent: whole files.
   */
  readsPrefix?: number;
}

/** A path argument and where it stands: argv[index] is `prefix` + text. */
export interface PathWord extends WordPosition {
  text: string;
  /** An operand (a place searched), not a file named by an option (patterns, ignore rules). */
  operand: boolean;
}

/** Checks one command's arguments, refusing what the policy does not allow. */
export type Checker = (args: readonly string[]) => CommandUse;
