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
    if (trimmed === '') continue;
    const windows = windowsPath(trimmed);
    if (!windows && !shown.includes(trimmed)) continue;
    const name = roots.length > 1 ? root.label : '.';
    // Not inside a longer path; then either more path after a separator, or the folder itself.
    const end = String.raw`$|[\s'"\x60:;,)\]]`;
    // A Windows folder is the same folder in any case and with either slash (`c:/Repo/src`).
    const folder = windows ? trimmed.split(/[\\/]/).map(escapeRegExp).join(String.raw`[\\/]`) : escapeRegExp(trimmed);
    const pattern = new RegExp(String.raw`(?<![\w.~\-\\/])${folder}(?:([\\/]+)(?!${end})|[\\/]*(?=${end}))`, windows ? 'gi' : 'g');
    shown = shown.replace(pattern, (_match, separator?: string) => (separator === undefined ? name : roots.length > 1 ? `${name}/` : ''));
  }
  return shown;
}

/**
 * A folder of a Windows machine (`C:\repo`, `\\server\share`). The view cannot ask the file
 * system how it names files, but a drive letter or a UNC prefix is only ever a Windows path; a
 * Mac's folders are matched as written.
 */
function windowsPath(folder: string): boolean {
  return /^(?:[A-Za-z]:|[\\/]{2})/.test(folder);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
