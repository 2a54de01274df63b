import { createContext, useContext } from 'react';
import type { WorkspaceFolder } from '../../src/protocol/webview';

/** The workspace folders, from the host's snapshot. */
export const WorkspaceRootsContext = createContext<readonly WorkspaceFolder[]>([]);

export function useWorkspaceRoots(): readonly WorkspaceFolder[] {
  return useContext(WorkspaceRootsContext);
}

/**
 * The text with each workspace folder's path taken off the paths in it: `ls -F /home/me/app/src`
 * reads `ls -F src` and the folder itself reads `.` (with several folders, a path keeps the
 * folder's label, as the host's labels read: `app/src`). For display only: what the model wrote
 * stays as it was. A folder matches only as a whole path, so `/home/me/app` leaves `/home/me/app2` alone.
 */
export function withRelativePaths(text: string, roots: readonly WorkspaceFolder[]): string {
  let shown = text;
  // The longest first: a folder nested in another is the more precise match.
  for (const root of [...roots].sort((a, b) => b.path.length - a.path.length)) {
    const trimmed = root.path.replace(/[\\/]+$/, '');
    if (trimmed === '' || !shown.includes(trimmed)) continue;
    const name = roots.length > 1 ? root.label : '.';
    // Not inside a longer path; then either more path after a separator, or the folder itself.
    const end = String.raw`$|[\s'"\x60:;,)\]]`;
    const pattern = new RegExp(String.raw`(?<![\w.~\-\\/])${escapeRegExp(trimmed)}(?:([\\/]+)(?!${end})|[\\/]*(?=${end}))`, 'g');
    shown = shown.replace(pattern, (_match, separator?: string) => (separator === undefined ? name : roots.length > 1 ? `${name}/` : ''));
  }
  return shown;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
