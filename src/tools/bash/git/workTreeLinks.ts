import { readdirSync } from 'node:fs';
import path from 'node:path';
import { isInsideRoots, readPathSync } from '../../support/workspacePaths';

/**
 * Tracked paths git would open through a link in the work tree. git grep reads each tracked file
 * at its index path in the work tree, with no path on the command line for the gate to check, and
 * opens it as the kernel does: through a leading folder that is a link (`data -> /elsewhere`, with
 * `data/notes.txt` in the index). git's status and diff notice such paths
 * (has_symlink_leading_path) and read no content; grep does not. A file that became a link is
 * checked too: git grep lstat's it today and skips it, which is how git is written, not a promise.
 */

/**
 * The first of `indexPaths` (relative, `/`-separated, as `git ls-files` lists them) that leads
 * outside the roots, or cannot be read the way a program would open it, through a link in
 * `workTree`; undefined when none does. Each folder on the way is listed once (a listing types
 * its entries as lstat would, one call for a folder of files instead of one a file); only a path
 * with a link on it is read in full, by the one reading of a path.
 */
export function trackedPathThroughLink(indexPaths: readonly string[], workTree: string, roots: readonly string[]): string | undefined {
  const listings = new Map<string, ReadonlyMap<string, Kind> | undefined>();
  const kindOf = (folder: string, name: string): Kind | undefined => {
    if (!listings.has(folder)) listings.set(folder, listing(path.join(workTree, folder)));
    return listings.get(folder)?.get(name);
  };
  for (const indexPath of indexPaths) {
    const parts = indexPath.split('/');
    for (let depth = 0; depth < parts.length; depth++) {
      const kind = kindOf(parts.slice(0, depth).join('/'), parts[depth]!);
      if (kind === 'folder') continue;
      if (kind === 'link') {
        const reading = readPathSync(indexPath, workTree, roots);
        if (reading.kind !== 'resolved' || !isInsideRoots(reading.real, roots)) return indexPath;
      }
      // A file, or nothing, where a folder should be: git fails to open what lies below it.
      break;
    }
  }
  return undefined;
}

type Kind = 'link' | 'folder' | 'other';

function listing(folder: string): ReadonlyMap<string, Kind> | undefined {
  try {
    return new Map(readdirSync(folder, { withFileTypes: true }).map((entry) => [entry.name, entry.isSymbolicLink() ? 'link' : entry.isDirectory() ? 'folder' : 'other'] as const));
  } catch {
    return undefined;
  }
}
