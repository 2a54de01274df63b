import { stat } from 'node:fs/promises';
import path from 'node:path';
import { ExploreInput } from '../protocol/exploreInput';
import type { Scope } from '../protocol/webview';
import { confinedRealPath } from './fileReferences';
import type { RunRequest } from './runController';
import { fileScope, folderScope, questionRequest } from './runRequests';
import { rootLabel, rootsNamedBy } from '../tools/support/rootLabels';
import { isInsideRoots } from '../tools/support/workspacePaths';

/**
 * Turns another agent's `explore` call into the same RunRequest a question typed in the view
 * makes, or into a message that says what was wrong. The input is another model's output:
 * the folder may be relative, absolute, misspelt or outside the workspace, and it must not
 * lead the explorer out of the workspace (symlinks included).
 */

export type ExploreRequestResult = { ok: true; request: RunRequest } | { ok: false; message: string };

export async function exploreRequest(raw: unknown, roots: readonly string[]): Promise<ExploreRequestResult> {
  const parsed = ExploreInput.safeParse(raw ?? {});
  if (!parsed.success) return { ok: false, message: parsed.error.issues.map((issue) => issue.message).join(' ') };
  if (roots.length === 0) return { ok: false, message: 'No workspace folder is open, so there is nothing to explore.' };
  const { question, folder, thoroughness = 'medium' } = parsed.data;
  if (folder === undefined) return { ok: true, request: questionRequest(question, { kind: 'workspace' }, roots, thoroughness) };
  const focus = await focusScope(folder, roots);
  if (typeof focus === 'string') return { ok: false, message: focus };
  return { ok: true, request: questionRequest(question, focus, roots, thoroughness) };
}

/** The folder or file the question is about, or why it cannot be. */
async function focusScope(folder: string, roots: readonly string[]): Promise<Scope | string> {
  const candidates = candidatePaths(folder, roots);
  const inside = candidates.filter((candidate) => isInsideRoots(candidate, roots));
  const where = roots.map((root) => `\`${root}\``).join(', ');
  if (inside.length === 0) return `The folder "${folder}" is outside the workspace; only ${where} can be explored.`;
  let leadsOut = false;
  for (const candidate of inside) {
    const real = await confinedRealPath(candidate, roots);
    if (real === null) {
      leadsOut ||= (await kindOf(candidate)) !== undefined;
      continue;
    }
    // The scope keeps the path as written (inside the roots as the user sees them); the real one only vouches for it.
    const kind = await kindOf(real);
    if (kind === 'folder') return folderScope(candidate, roots);
    if (kind === 'file') return fileScope(candidate, roots);
  }
  if (leadsOut) return `The folder "${folder}" leads outside the workspace (through a symbolic link); only ${where} can be explored.`;
  return `There is no folder "${folder}" in the workspace (${where}).`;
}

/**
 * Where a folder could be: absolute as given; else under each workspace folder, and, in a
 * workspace of several folders, under the one whose label it starts with (`api/src`,
 * `app (server)/src`), the way the view labels paths.
 */
function candidatePaths(folder: string, roots: readonly string[]): string[] {
  if (path.isAbsolute(folder)) return [path.resolve(folder)];
  // Labels are unique among the roots and may hold spaces and brackets (`app (server)/src`): matched whole.
  const whole = folder.replace(/[\\/]+$/, '');
  const named =
    roots.length > 1
      ? [...roots.filter((root) => rootLabel(root, roots) === whole), ...rootsNamedBy(folder, roots).map(({ root, rest }) => path.resolve(root, rest))]
      : [];
  return [...new Set([...named, ...roots.map((root) => path.resolve(root, folder))])];
}

async function kindOf(real: string): Promise<'folder' | 'file' | undefined> {
  try {
    const info = await stat(real);
    return info.isDirectory() ? 'folder' : info.isFile() ? 'file' : undefined;
  } catch {
    return undefined;
  }
}
