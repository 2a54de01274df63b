import { constants, createWriteStream, type Dirent } from 'node:fs';
import { lstat, open, readdir, type FileHandle } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import path from 'node:path';

/**
 * How the host reads a repository's metadata: as plain data, name by name, never through a link.
 * Every folder it enters is one a listing typed as a folder (readdir's type is lstat's), and every
 * file is opened without following a last link (and checked again on the open descriptor), so
 * what is read is exactly the file that was checked: a link anywhere, even one that resolves
 * inside the workspace, is refused, since a link is read one way by the host and may be read
 * another way by a child (`/proc/self/cwd` is each process's own folder).
 */

/** Why git must not run here, phrased to follow "git is unavailable in this repository: ". */
export class RepositoryProblem {
  constructor(readonly reason: string) {}
}

/** Thrown while building, caught once where the build starts. */
export class MetadataRefusal extends Error {
  constructor(readonly problem: RepositoryProblem) {
    super(problem.reason);
  }
}

export function refuse(reason: string): never {
  throw new MetadataRefusal(new RepositoryProblem(reason));
}

/** `O_NOFOLLOW` where the platform has it (not Windows, where the lstat before the open stands alone); `O_NONBLOCK` so a FIFO never blocks the open. */
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);

/**
 * The bytes of a regular file, or undefined when there is nothing at `file`. Refuses a link, a
 * FIFO or device, and a file over `maxBytes` (what git reads there is a few lines, or an index).
 * `shown` names the file for the model.
 */
export async function readRegularFile(file: string, maxBytes: number, shown: string): Promise<Buffer | undefined> {
  const handle = await openRegularFile(file, maxBytes, shown);
  if (handle === undefined) return undefined;
  try {
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}

/** readRegularFile's checks, with the file streamed to `target` rather than held (an index can be hundreds of MB); false when there is nothing at `file`. */
export async function copyRegularFile(file: string, target: string, maxBytes: number, shown: string): Promise<boolean> {
  const handle = await openRegularFile(file, maxBytes, shown);
  if (handle === undefined) return false;
  await pipeline(handle.createReadStream(), createWriteStream(target));
  return true;
}

async function openRegularFile(file: string, maxBytes: number, shown: string): Promise<FileHandle | undefined> {
  const entry = await lstat(file).catch((error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? undefined : refuse(`${shown} cannot be read`)));
  if (entry === undefined) return undefined;
  if (entry.isSymbolicLink()) refuse(`${shown} is a link`);
  if (!entry.isFile()) refuse(`${shown} is not a regular file`);
  const handle = await open(file, OPEN_FLAGS).catch(() => refuse(`${shown} cannot be read`));
  try {
    const info = await handle.stat();
    if (!info.isFile()) refuse(`${shown} is not a regular file`);
    if (info.size > maxBytes) refuse(`${shown} is larger than ${Math.round(maxBytes / 1024 / 1024) || 1} MB, more than this tool reads`);
    return handle;
  } catch (error) {
    await handle.close();
    throw error;
  }
}

/** Whether there is a real folder (not a link to one) at `folder`; false when nothing is there, refused when something else is. */
export async function isRealFolder(folder: string, shown: string): Promise<boolean> {
  const entry = await lstat(folder).catch(() => undefined);
  if (entry === undefined) return false;
  if (entry.isSymbolicLink()) refuse(`${shown} is a link`);
  if (!entry.isDirectory()) refuse(`${shown} is not a folder`);
  return true;
}

/** Counts the entries the walks below visit, so that a giant git directory is refused, not walked for minutes. */
export class EntryBudget {
  private used = 0;
  constructor(private readonly limit: number) {}

  spend(count: number): void {
    this.used += count;
    if (this.used > this.limit) refuse(`its git directory holds more than ${this.limit} files, too many to check`);
  }
}

/**
 * Every regular file below `top` (a real folder), as its path relative to `top` in parts.
 * A link or anything but a folder or regular file below it is refused. Folders are listed a level
 * at a time, each level at once: objects/ alone holds up to 256 of them.
 */
export async function regularFilesBelow(top: string, budget: EntryBudget, shown: (file: string) => string): Promise<string[][]> {
  const files: string[][] = [];
  for (let level: string[][] = [[]]; level.length > 0; ) {
    const listings = await Promise.all(
      level.map((parts) => readdir(path.join(top, ...parts), { withFileTypes: true }).catch((): Dirent[] => refuse(`${shown(path.join(top, ...parts))} cannot be read`))),
    );
    const next: string[][] = [];
    for (const [index, entries] of listings.entries()) {
      budget.spend(entries.length);
      for (const entry of entries) {
        const parts = [...level[index]!, entry.name];
        if (entry.isDirectory()) next.push(parts);
        else if (entry.isFile()) files.push(parts);
        else refuse(`${shown(path.join(top, ...parts))} is ${entry.isSymbolicLink() ? 'a link' : 'not a regular file'}`);
      }
    }
    level = next;
  }
  return files;
}
