import { lstatSync } from 'node:fs';
import path from 'node:path';
import { isInsideRoots, readPathSync } from '../../support/workspacePaths';

/**
 * Tracked paths git would open through a link in the work tree. git grep reads each tracked file
 * at its index path in the work tree, with no path on the command line for the gate to check, and
 * opens it as the kernel does: through a leading folder that is a link (`data -> /elsewhere`, with
 * `data/notes.txt` in the index) or a file replaced by a link. git's status and diff notice such
 * paths (has_symlink_leading_path) and read no content; grep does not.
 */

/**
 * The first of `indexPaths` (relative, `/`-separated, as `git ls-files` lists them) that leads
 * outside the roots, or cannot be read the way a program would open it, through a link in
 * `workTree`; undefined when none does. Each folder on the way is looked at once; only a path
 * with a link on it is read in full, by the one reading of a path.
 */
export function trackedPathThroughLink(indexPaths: readonly string[], workTree: string, roots: readonly string[]): string | undefined {
  const kinds = new Map<string, 'link' | 'folder' | 'other'>();
  const kindOf = (relative: string): 'link' | 'folder' | 'other' => {
    let kind = kinds.get(relative);
    if (kind === undefined) {
      try {
        const entry = lstatSync(path.join(workTree, relative));
        kind = entry.isSymbolicLink() ? 'link' : entry.isDirectory() ? 'folder' : 'other';
      } catch {
        kind = 'other';
      }
      kinds.set(relative, kind);
    }
    return kind;
  };
  for (const indexPath of indexPaths) {
    const parts = indexPath.split('/');
    for (let depth = 1; depth <= parts.length; depth++) {
      const kind = kindOf(parts.slice(0, depth).join('/'));
      if (kind === 'folder') continue;
      if (kind === 'link') {
        const reading = readPathSync(indexPath, workTree, roots);
        if (reading.kind !== 'resolved' || !isInsideRoots(reading.real, roots)) return indexPath;
      }
      // A file or nothing where a folder should be: git fails to open what lies below it.
      break;
    }
  }
  return undefined;
}
