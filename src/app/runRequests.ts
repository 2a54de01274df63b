import path from 'node:path';
import { askAboutSelectionTask, explainFileTask, explainFolderTask, questionTask } from './taskPrompts';
import type { RunHeader, Scope, Thoroughness } from '../protocol/webview';
import { confinedRealPath } from './fileReferences';
import { isInside, rootOf, workspaceLabel } from '../tools/support/workspacePaths';
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
  return { kind: 'folder', path: folder, label: workspaceLabel(folder, roots) };
}

export function fileScope(file: string, roots: readonly string[]): Scope {
  return { kind: 'file', path: file, label: workspaceLabel(file, roots) };
}

export function selectionScope(selection: Omit<SelectionInput, 'text'>, roots: readonly string[]): Scope {
  const range = selection.startLine === selection.endLine ? `${selection.startLine}` : `${selection.startLine}-${selection.endLine}`;
  return {
    kind: 'selection',
    path: selection.file,
    label: `${workspaceLabel(selection.file, roots)}:${range}`,
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
      return { question: `Explain ${scope.label}`, task: explainFileTask(scope.path, roots), scope, thoroughness, cwd: folderHolding(scope.path, roots) };
    case 'selection':
      return {
        question: question?.trim() ? `${question.trim()} (${scope.label})` : `Explain ${scope.label}`,
        task: askAboutSelectionTask({ ...(selection ?? { file: scope.path, startLine: scope.startLine, endLine: scope.endLine, text: '' }), question }, roots),
        scope,
        thoroughness,
        cwd: folderHolding(scope.path, roots),
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
        cwd: scope.kind === 'folder' ? scope.path : folderHolding(scope.path, roots),
      };
    case 'selection':
      return {
        question,
        task: askAboutSelectionTask({ ...(selection ?? { file: scope.path, startLine: scope.startLine, endLine: scope.endLine, text: '' }), question }, roots),
        scope,
        thoroughness,
        cwd: folderHolding(scope.path, roots),
      };
  }
}

/**
 * What a run asked, to ask it again (Retry): the same question, scope and thoroughness, and the
 * same task in the same folder. Undefined for a run saved without them (by an older version).
 */
export function requestOf(run: RunHeader): RunRequest | undefined {
  const { question, scope, thoroughness, task, cwd } = run;
  return task === undefined || cwd === undefined ? undefined : { question, task, scope, thoroughness, cwd };
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

/** The workspace folder that holds a path (the first folder if none does): where a file's run works. */
function folderHolding(target: string, roots: readonly string[]): string {
  return rootOf(target, roots) ?? roots[0] ?? path.dirname(target);
}
