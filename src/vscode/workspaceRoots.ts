import { realpathSync } from 'node:fs';
import * as vscode from 'vscode';
import { nameFoldersBy } from '../tools/support/rootLabels';

/** The workspace folders on disk (multi-root: each is a root the tools may read), as they are now. */
export function workspaceRoots(): string[] {
  return fileFolders().map((folder) => folder.uri.fsPath);
}

/**
 * The workspace folders as real paths (tools confine by real path), read at each call so that
 * a folder added to or removed from the workspace counts from the next tool call on. A few
 * synchronous realpath calls cost microseconds; a folder that is gone from disk stays as written.
 */
export function realWorkspaceRoots(): string[] {
  return workspaceRoots().map(realPath);
}

/**
 * What VS Code calls the folder at `root` (its path as opened, or its real path): the `"name"` a
 * .code-workspace file gives it, or its folder's name. Read at each label, as the folders are.
 */
function editorFolderName(root: string): string | undefined {
  return fileFolders().find((folder) => folder.uri.fsPath === root || realPath(folder.uri.fsPath) === root)?.name;
}

/**
 * From activation on, every label (src/tools/support/rootLabels.ts) names the roots as the
 * Explorer does; disposing goes back to folder names.
 */
export function nameRootsAsTheEditorDoes(): vscode.Disposable {
  return new vscode.Disposable(nameFoldersBy(editorFolderName));
}

function fileFolders(): readonly vscode.WorkspaceFolder[] {
  return (vscode.workspace.workspaceFolders ?? []).filter((folder) => folder.uri.scheme === 'file');
}

function realPath(root: string): string {
  try {
    return realpathSync.native(root);
  } catch {
    return root;
  }
}
