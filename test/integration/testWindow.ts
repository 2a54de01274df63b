import * as assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as vscode from 'vscode';

/** What the suites share about the test window: the extension's id, its folder, its scripted model. */

export const EXTENSION_ID = 'locoremind.locooperator';
export const SCRIPTED_MODEL_ENV = 'LOCOOPERATOR_SCRIPTED_MODEL';

/** A transcript file for the scripted model (each New Session reads it again). */
export function useTranscript(turns: string[], options: { chunkSize?: number; delayMs?: number } = {}): void {
  const folder = mkdtempSync(path.join(tmpdir(), 'loco-transcript-'));
  const file = path.join(folder, 'transcript.json');
  writeFileSync(file, JSON.stringify({ turns, ...options }));
  process.env[SCRIPTED_MODEL_ENV] = file;
}

export function workspaceRoot(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the test window has no workspace folder');
  return folder.uri.fsPath;
}
