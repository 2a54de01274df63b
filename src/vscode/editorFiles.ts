import * as vscode from 'vscode';
import { resolveOpenTarget } from '../app/fileReferences';
import type { SelectionInput } from '../app/runRequests';

/**
 * Opens a file the view asked for at a line (range), after confining it to the workspace: the
 * path came from a report, which the model wrote. Returns false when it was refused.
 */
export async function openWorkspaceFile(requested: string, roots: readonly string[], line?: number, endLine?: number): Promise<boolean> {
  const target = await resolveOpenTarget(requested, roots);
  if (!target) return false;
  const document = await vscode.workspace.openTextDocument(vscode.Uri.file(target));
  const options: vscode.TextDocumentShowOptions = { preview: true };
  if (line !== undefined) {
    const last = document.lineCount - 1;
    const start = Math.min(line - 1, last);
    const end = Math.max(start, Math.min((endLine ?? line) - 1, last));
    options.selection = new vscode.Range(start, 0, end, document.lineAt(end).range.end.character);
  }
  const editor = await vscode.window.showTextDocument(document, options);
  if (options.selection) editor.revealRange(options.selection, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  return true;
}

/** The selected lines as they are now on disk (the view sends only where the selection is). */
export async function readSelection(file: string, startLine: number, endLine: number): Promise<SelectionInput | undefined> {
  try {
    const document = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
    const last = document.lineCount - 1;
    const end = Math.min(endLine - 1, last);
    const range = new vscode.Range(Math.min(startLine - 1, last), 0, end, document.lineAt(end).range.end.character);
    return { file, startLine, endLine, text: document.getText(range) };
  } catch {
    return undefined;
  }
}
