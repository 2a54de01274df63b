import { realpathSync } from 'node:fs';
import * as vscode from 'vscode';

/** The workspace folders on disk (multi-root: each is a root the tools may read), as they are now. */
export function workspaceRoots(): string[] {
  return (vscode.workspace.workspaceFolders ?? []).filter((folder) => folder.uri.scheme === 'file').map((folder) => folder.uri.fsPath);
}

/**
 * The workspace folders as real paths (tools confine by real path), read at each call so that
 * a folder added to or removed from the workspace counts from the next tool call on. A few
 * synchronous realpath calls cost microseconds; a folder that is gone from disk stays as written.
 */
export function realWorkspaceRoots(): string[] {
  return workspaceRoots().map((root) => {
    try {
      return realpathSync.native(root);
    } catch {
      return root;
    }
  });
}
