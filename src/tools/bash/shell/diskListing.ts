import { lstatSync, readdirSync, readlinkSync, statSync, type Dirent, type Stats } from 'node:fs';
import path from 'node:path';
import { bytesOutput, stdoutKind, unsafeBytesFromLatin1, type ExecResult } from 'just-bash';
import { isInsideRoots, readPathSync } from '../../support/workspacePaths';

/**
 * Directory listings read from the disk itself, for the commands that walk a whole tree (find,
 * ls -R, tree, du). The simulated file system answers each lookup through checks of its own,
 * about 90 µs apiece: 15–25 s for 100,000 files, where GNU answers at once; one readdir per
 * directory, with the entry types it returns, lists the same tree in about 0.1 s. A walk never
 * follows a link: links are listed as links, so it cannot leave the folder it starts in, and the
 * folder it starts in is read by the one reading of a path (readOperand) and checked against the
 * roots. The worker that runs the shell is terminated on timeout, so a synchronous walk is fine.
 */

export type EntryKind = 'dir' | 'file' | 'link' | 'fifo' | 'socket' | 'block' | 'char';

export interface DiskEntry {
  name: string;
  kind: EntryKind;
}

/** A directory's entries in byte order of their names, or the error that kept it closed. */
export function readDirectory(real: string): DiskEntry[] | NodeJS.ErrnoException {
  let dirents: Dirent[];
  try {
    dirents = readdirSync(real, { withFileTypes: true });
  } catch (error) {
    return error as NodeJS.ErrnoException;
  }
  return dirents.map((dirent) => ({ name: dirent.name, kind: kindOf(dirent) })).sort((a, b) => compareNames(a.name, b.name));
}

/** What a directory entry or an lstat names, by the questions both answer. */
export function kindOf(entry: Pick<Stats, 'isDirectory' | 'isSymbolicLink' | 'isFIFO' | 'isSocket' | 'isBlockDevice' | 'isCharacterDevice'>): EntryKind {
  if (entry.isDirectory()) return 'dir';
  if (entry.isSymbolicLink()) return 'link';
  if (entry.isFIFO()) return 'fifo';
  if (entry.isSocket()) return 'socket';
  if (entry.isBlockDevice()) return 'block';
  if (entry.isCharacterDevice()) return 'char';
  return 'file';
}

/**
 * Byte order of the UTF-8 names (GNU's order in the C locale), without encoding them: UTF-16
 * code units sort like code points, hence like UTF-8 bytes, except a surrogate against a unit
 * of U+E000 and above, which code points settle.
 */
export function compareNames(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800 && y >= 0xd800) return a.codePointAt(i)! - b.codePointAt(i)!;
    return x - y;
  }
  return a.length - b.length;
}

/** A path a command names, as found on disk. */
export type DiskOperand =
  | { kind: 'found'; real: string; stats: Stats }
  | { kind: 'error'; message: string };

/**
 * Reads an operand by the one reading of a path (readPathSync: physically, `link/..` is the parent
 * of the link's target), checks where it lands against the roots, and lstats what it names. With
 * `followLeaf` false a last component that is a link is the link itself (find, du, ls -l), unless a
 * trailing `/` asks the kernel to follow it. The message is the tail of GNU's error line.
 */
export function readOperand(operand: string, cwd: string, roots: readonly string[], followLeaf: boolean): DiskOperand {
  const leaf = path.posix.basename(operand);
  const follows = followLeaf || operand.endsWith('/') || leaf === '.' || leaf === '..' || leaf === '';
  const reading = readPathSync(follows ? operand : path.posix.dirname(operand), cwd, roots);
  if (reading.kind === 'outside') return { kind: 'error', message: 'outside the workspace' };
  if (reading.kind === 'unresolvable') return { kind: 'error', message: reading.reason };
  if (!reading.exists) return { kind: 'error', message: 'No such file or directory' };
  const real = follows ? reading.real : path.join(reading.real, leaf);
  if (!isInsideRoots(real, roots)) return { kind: 'error', message: 'outside the workspace' };
  try {
    // `real` holds no link but perhaps its last name, which the caller asked not to follow.
    return { kind: 'found', real, stats: lstatSync(real) };
  } catch (error) {
    return { kind: 'error', message: errnoText(error as NodeJS.ErrnoException) };
  }
}

/**
 * A link's own text, and whether it leads to a directory. Only a target inside the roots is
 * looked at: where a link out of the workspace leads stays unknown, as it does for every command.
 */
export function readLink(real: string, roots: readonly string[]): { target: string; toDirectory: boolean } {
  let target = '';
  try {
    target = readlinkSync(real);
  } catch {
    return { target, toDirectory: false };
  }
  const reading = readPathSync(real, real, roots);
  if (reading.kind !== 'resolved' || !reading.exists || !isInsideRoots(reading.real, roots)) return { target, toDirectory: false };
  try {
    return { target, toDirectory: statSync(reading.real).isDirectory() };
  } catch {
    return { target, toDirectory: false };
  }
}

/** The path of an entry below one the command printed: `src/` and `server` give `src/server`, as find, du and ls -R write it. */
export function childPath(shown: string, name: string): string {
  return shown.endsWith('/') ? `${shown}${name}` : `${shown}/${name}`;
}

/** An error as coreutils words it (strerror). */
export function errnoText(error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case 'ENOENT':
      return 'No such file or directory';
    case 'ENOTDIR':
      return 'Not a directory';
    case 'EACCES':
    case 'EPERM':
      return 'Permission denied';
    case 'ELOOP':
      return 'Too many levels of symbolic links';
    case 'ENAMETOOLONG':
      return 'File name too long';
    default:
      return error.code ?? 'Input/output error';
  }
}

/**
 * A listing's text as the byte output of a command: the shell turns a text output into bytes one
 * character at a time (0.5 s for the 2 MB that `find .` prints over 100,000 files), Buffer does
 * it natively.
 */
export function listingOutput(stdout: string, stderr: string, exitCode: number): ExecResult {
  return { ...bytesOutput(unsafeBytesFromLatin1(Buffer.from(stdout, 'utf8').toString('latin1'))), stderr, exitCode };
}

/** A command's standard output as text, whichever way the command gave it. */
export function stdoutText(result: ExecResult): string {
  return stdoutKind(result) === 'bytes' ? Buffer.from(result.stdout, 'latin1').toString('utf8') : result.stdout;
}
