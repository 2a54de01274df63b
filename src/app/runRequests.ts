import path from 'node:path';
import { askAboutSelectionTask, explainFileTask, explainFolderTask, questionTask } from './taskPrompts';
import type { Scope, Thoroughness } from '../protocol/webview';
import { confinedRealPath } from './fileReferences';
import { isInside } from '../tools/support/workspacePaths';
import type { RunRequest } from './runController';

/**
 * Turns what the user asked for — a typed question with a scope, or Explain This Folder/File,
 * Ask About Selection — into a run: what the view shows, what the model is asked, and the folder
 * the model works in. Scoped runs work in the scoped folder (or the file's workspace folder)
 * while every workspace folder stays readable, so the model can say how the part connects to
 * the rest.
 */

export interface SelectionInput {
  file: string;
  startLine: number;
  endLine: number;
  text: string;
}

export function folderScope(folder: string, roots: readonly string[]): Scope {
  return { kind: 'folder', path: folder, label: labelOf(folder, roots) };
}

export function fileScope(file: string, roots: readonly string[]): Scope {
  return { kind: 'file', path: file, label: labelOf(file, roots) };
}

export function selectionScope(selection: Omit<SelectionInput, 'text'>, roots: readonly string[]): Scope {
  const range = selection.startLine === selection.endLine ? `${selection.startLine}` : `${selection.startLine}-${selection.endLine}`;
  return {
    kind: 'selection',
    path: selection.file,
    label: `${labelOf(selection.file, roots)}:${range}`,
    startLine: selection.startLine,
    endLine: selection.endLine,
  };
}

/** Explain This Folder / Explain This File / Ask About Selection. */
export function explainRequest(scope: Scope, roots: readonly string[], thoroughness: Thoroughness, selection?: SelectionInput, question?: string): RunRequest {
  switch (scope.kind) {
    case 'folder':
      return { question: `Explain ${scope.label}`, task: explainFolderTask(scope.path, roots), scope, thoroughness, cwd: scope.path };
    case 'file':
      return { question: `Explain ${scope.label}`, task: explainFileTask(scope.path, roots), scope, thoroughness, cwd: rootOf(scope.path, roots) };
    case 'selection':
      return {
        question: question?.trim() ? `${question.trim()} (${scope.label})` : `Explain ${scope.label}`,
        task: askAboutSelectionTask({ ...(selection ?? { file: scope.path, startLine: scope.startLine, endLine: scope.endLine, text: '' }), question }, roots),
        scope,
        thoroughness,
        cwd: rootOf(scope.path, roots),
      };
    case 'workspace':
      return questionRequest(question ?? '', scope, roots, thoroughness);
  }
}

/** A question typed in the view (or the Ask… input box), asked within the current scope. */
export function questionRequest(question: string, scope: Scope, roots: readonly string[], thoroughness: Thoroughness, selection?: SelectionInput): RunRequest {
  switch (scope.kind) {
    case 'workspace':
      return { question, task: questionTask(question, { roots }), scope, thoroughness, cwd: roots[0] ?? '/' };
    case 'folder':
    case 'file':
      return {
        question,
        task: questionTask(question, { roots, focus: { kind: scope.kind, path: scope.path } }),
        scope,
        thoroughness,
        cwd: scope.kind === 'folder' ? scope.path : rootOf(scope.path, roots),
      };
    case 'selection':
      return {
        question,
        task: askAboutSelectionTask({ ...(selection ?? { file: scope.path, startLine: scope.startLine, endLine: scope.endLine, text: '' }), question }, roots),
        scope,
        thoroughness,
        cwd: rootOf(scope.path, roots),
      };
  }
}

/** A scope from the webview is untrusted: it must name a place inside the workspace. */
export function isScopeInWorkspace(scope: Scope, roots: readonly string[]): boolean {
  if (scope.kind === 'workspace') return true;
  return path.isAbsolute(scope.path) && roots.some((root) => isInside(path.resolve(scope.path), root));
}

/**
 * The same check, then with symlinks resolved: a selection is read from disk and a folder or
 * file is explored, so a link inside the workspace must not lead the host outside it.
 */
export async function isScopeConfined(scope: Scope, roots: readonly string[]): Promise<boolean> {
  if (scope.kind === 'workspace') return true;
  return isScopeInWorkspace(scope, roots) && (await confinedRealPath(scope.path, roots)) !== null;
}

/** The workspace folder that holds a path (the first folder if none does). */
export function rootOf(target: string, roots: readonly string[]): string {
  const holding = roots.filter((root) => isInside(target, root)).sort((a, b) => b.length - a.length);
  return holding[0] ?? roots[0] ?? path.dirname(target);
}

/** Workspace-relative, with the folder's name in front when the workspace has several. */
export function labelOf(target: string, roots: readonly string[]): string {
  const root = rootOf(target, roots);
  const relative = path.relative(root, target).split(path.sep).join('/');
  const inside = isInside(target, root);
  if (!inside) return target;
  const shown = relative === '' ? path.basename(root) : relative;
  return roots.length > 1 && relative !== '' ? `${path.basename(root)}/${shown}` : shown;
}
