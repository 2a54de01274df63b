import * as vscode from 'vscode';

/** The workspace folders on disk (multi-root: each is a root the tools may read). */
export function workspaceRoots(): string[] {
  return (vscode.workspace.workspaceFolders ?? []).filter((folder) => folder.uri.scheme === 'file').map((folder) => folder.uri.fsPath);
}
