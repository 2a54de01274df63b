import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { promptText, type CompletionRequest, type CompletionResult } from '../protocol/prompt';
import type { ChatModel } from '../protocol/chatModel';

export const ScriptedTranscript = z.array(z.string()).min(1);

/**
 * A transcript file: a plain array of turns, or turns with streaming options (slow ones let a test
 * press Stop; one that stalls holds a run mid-report for as long as a test looks at it).
 */
export const ScriptedTranscriptFile = z.union([
  ScriptedTranscript,
  z.object({
    turns: ScriptedTranscript,
    chunkSize: z.number().int().nonnegative().optional(),
    delayMs: z.number().nonnegative().max(10_000).optional(),
    stallAfter: z.number().int().nonnegative().optional(),
  }),
]);
export type ScriptedTranscriptFile = z.infer<typeof ScriptedTranscriptFile>;

/** Where transcripts say `${workspaceFolder}`, the workspace's path is put. */
const WORKSPACE_FOLDER = '${workspaceFolder}';

/** Chunks like a real model's tokens, so that views stream. */
const DEFAULT_CHUNK_SIZE = 12;

/** Reads a transcript file, putting `workspaceFolder` where the turns name `${workspaceFolder}`. */
export async function loadScriptedModel(file: string, workspaceFolder: string, options: Pick<ScriptedModelOptions, 'contextSize'> = {}): Promise<ScriptedModel> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new Error(`Cannot read the scripted transcript ${file}: ${code === 'ENOENT' ? 'there is no such file' : code === 'EISDIR' ? 'it is a folder' : (error as Error).message}.`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`The scripted transcript ${file} is not JSON (${(error as Error).message}).`);
  }
  const parsed = ScriptedTranscriptFile.safeParse(json);
  if (!parsed.success) {
    throw new Error(`${file} is not a scripted transcript: it holds a list of turns (strings), or { "turns": [...] } with optional chunkSize, delayMs and stallAfter.`);
  }
  const transcript = Array.isArray(parsed.data) ? { turns: parsed.data } : parsed.data;
  // The placeholder mostly sits inside JSON strings of tool calls, so the path is JSON-escaped.
  const folder = JSON.stringify(workspaceFolder).slice(1, -1);
  const turns = transcript.turns.map((turn) => turn.split(WORKSPACE_FOLDER).join(folder));
  return new ScriptedModel(turns, {
    chunkSize: transcript.chunkSize ?? DEFAULT_CHUNK_SIZE,
    delayMs: transcript.delayMs ?? 0,
    stallAfter: transcript.stallAfter,
    contextSize: options.contextSize,
  });
}

export interface ScriptedModelOptions {
  /** Stream each turn in chunks of this many characters (0: the whole turn at once). */
  chunkSize?: number;
  /** Instead, chunks of 1 to 12 characters chosen by a PRNG with this seed, the way tokens split text. */
  randomChunkSeed?: number;
  /** Pause between chunks, so a UI can be watched (and stopped) mid-turn. */
  delayMs?: number;
  /**
   * Stream only this many characters of the last turn (fewer than it has), then send nothing more
   * until stopped: a run held mid-report, whatever the machine's speed.
   */
  stallAfter?: number;
  contextSize?: number;
}

/**
 * Replays recorded assistant turns in order, streaming them like a real model. Used by tests and
 * by `locooperator ask --scripted FILE` (see loadScriptedModel). It keeps every prompt it was sent so tests can assert on them.
 */
export class ScriptedModel implements ChatModel {
  readonly contextSize: number;
  readonly prompts: string[] = [];
  private next = 0;

  constructor(
    private readonly turns: readonly string[],
    private readonly options: ScriptedModelOptions = {},
  ) {
    this.contextSize = options.contextSize ?? 32_768;
  }

  /** The same script from its first turn: each call of a server that replays a transcript starts afresh. */
  replayed(): ScriptedModel {
    return new ScriptedModel(this.turns, this.options);
  }

  get remainingTurns(): number {
    return this.turns.length - this.next;
  }

  /** A script has nothing to load. */
  async prepare(): Promise<void> {}

  async complete(request: CompletionRequest, options: { signal: AbortSignal; onText?: (chunk: string) => void }): Promise<CompletionResult> {
    const prompt = promptText(request.prompt);
    this.prompts.push(prompt);
    const turn = this.turns[this.next++];
    if (turn === undefined) throw new Error(`The scripted model has no turn left (it had ${this.turns.length}).`);
    const started = Date.now();
    const nextSize = this.chunkSizes(turn.length);
    const stallAt = this.next === this.turns.length ? this.options.stallAfter : undefined;
    let sent = '';
    for (let at = 0; at < turn.length; ) {
      if (options.signal.aborted) return this.result(prompt, sent, 'cancelled', started);
      if (at === stallAt) {
        await aborted(options.signal);
        continue;
      }
      const end = Math.min(at + nextSize(), stallAt !== undefined && at < stallAt ? stallAt : turn.length);
      const chunk = turn.slice(at, end);
      at = end;
      sent += chunk;
      options.onText?.(chunk);
      if (this.options.delayMs) await sleep(this.options.delayMs, options.signal);
    }
    return this.result(prompt, sent, options.signal.aborted ? 'cancelled' : 'endOfTurn', started);
  }

  private chunkSizes(turnLength: number): () => number {
    const { chunkSize, randomChunkSeed } = this.options;
    if (randomChunkSeed !== undefined) {
      let state = randomChunkSeed >>> 0;
      return () => {
        state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
        return 1 + (state % 12);
      };
    }
    const size = chunkSize && chunkSize > 0 ? chunkSize : turnLength || 1;
    return () => size;
  }

  private result(prompt: string, text: string, stopReason: CompletionResult['stopReason'], started: number): CompletionResult {
    // Rough token counts (about 3.5 characters per token) so usage figures look like a model's.
    const promptTokens = Math.ceil(prompt.length / 3.5);
    return {
      text,
      stopReason,
      promptTokens,
      evaluatedTokens: promptTokens,
      completionTokens: Math.ceil(text.length / 3.5),
      generationMs: Date.now() - started,
    };
  }
}

function aborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}
