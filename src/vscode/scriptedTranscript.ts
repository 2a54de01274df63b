import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { ScriptedModel, ScriptedTranscript } from '../agent/scriptedModel';

/**
 * Tests run the extension without weights: this environment variable names a transcript of
 * assistant turns that a ScriptedModel replays. It is an environment variable rather than a
 * setting on purpose: a workspace can set settings, and must never be able to script the model.
 */
export const SCRIPTED_MODEL_ENV = 'LOCOOPERATOR_SCRIPTED_MODEL';

/** Where transcripts say `${workspaceFolder}`, the first workspace folder's path is put. */
const WORKSPACE_FOLDER = '${workspaceFolder}';

/** A plain array of turns, or turns with streaming options (a slow transcript lets a test press Stop). */
export const ScriptedTranscriptFile = z.union([
  ScriptedTranscript,
  z.object({
    turns: ScriptedTranscript,
    chunkSize: z.number().int().nonnegative().optional(),
    delayMs: z.number().nonnegative().max(10_000).optional(),
  }),
]);
export type ScriptedTranscriptFile = z.infer<typeof ScriptedTranscriptFile>;

/** Chunks like a real model's tokens, so the view streams. */
const DEFAULT_CHUNK_SIZE = 12;

export async function loadScriptedModel(file: string, workspaceFolder: string): Promise<ScriptedModel> {
  const parsed = ScriptedTranscriptFile.safeParse(JSON.parse(await readFile(file, 'utf8')));
  if (!parsed.success) throw new Error(`${file} is not a scripted transcript: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  const transcript = Array.isArray(parsed.data) ? { turns: parsed.data } : parsed.data;
  // The placeholder mostly sits inside JSON strings of tool calls, so the path is JSON-escaped.
  const folder = JSON.stringify(workspaceFolder).slice(1, -1);
  const turns = transcript.turns.map((turn) => turn.split(WORKSPACE_FOLDER).join(folder));
  return new ScriptedModel(turns, { chunkSize: transcript.chunkSize ?? DEFAULT_CHUNK_SIZE, delayMs: transcript.delayMs ?? 0 });
}
