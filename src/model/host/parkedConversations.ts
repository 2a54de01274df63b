import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { rm, statfs } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { LlamaContextSequence, Token } from 'node-llama-cpp';
import type { PromptPart } from '../../protocol/prompt';
import { commonPrefixLength, flattenTokens, type TokenChunk, type TokenHistory, type Tokenize } from '../tokenHistory';

/**
 * Conversations the KV cache had to leave, saved to disk so that they can come back.
 *
 * The engine has one sequence. When the agent alternates between conversations (a sub-agent
 * started by Task, or several running in parallel) each switch would throw away the other
 * conversation's evaluated tokens and, on its next turn, evaluate its whole history again. Instead
 * the sequence state is saved to a file before it is overwritten, and restored when a prompt
 * continues that conversation. Reading a state file is far cheaper than a prefill on a CPU.
 */

/** Below this many tokens, evaluating again is cheaper than a trip to the disk. */
export const PARK_MIN_TOKENS = 512;
/** The main conversation and two parallel sub-agents fit: a parent is not evicted by its children. */
const MAX_PARKED = 3;
/** Free space left on the temp disk after a save, so that parking never fills a user's disk. */
const DISK_RESERVE_BYTES = 2 * 2 ** 30;
const DIRECTORY_PREFIX = 'locooperator-kv-';

interface Parked {
  file: string;
  history: TokenHistory;
  tokens: readonly Token[];
}

export interface ParkedMatch {
  parked: Parked;
  chunks: TokenChunk[];
  tokens: Token[];
  reusable: number;
}

/** Removes state folders of model hosts that are no longer running (a crash leaves them behind). */
function sweepAbandoned(): void {
  for (const name of readdirSync(tmpdir())) {
    if (!name.startsWith(DIRECTORY_PREFIX)) continue;
    const pid = Number(name.slice(DIRECTORY_PREFIX.length));
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try {
      process.kill(pid, 0);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ESRCH') rmSync(path.join(tmpdir(), name), { recursive: true, force: true });
    }
  }
}

export class ParkedConversations {
  private readonly parked: Parked[] = [];
  private readonly directory = path.join(tmpdir(), `${DIRECTORY_PREFIX}${process.pid}`);
  private nextFile = 0;
  /** State bytes per token, learned from the first save (the KV cache's size per token). */
  private bytesPerToken: number | undefined;
  private readonly removeDirectory = () => rmSync(this.directory, { recursive: true, force: true });

  constructor(private readonly log: (line: string) => void) {
    sweepAbandoned();
    mkdirSync(this.directory, { recursive: true });
    process.once('exit', this.removeDirectory);
  }

  /**
   * The parked conversation this prompt continues, if it saves PARK_MIN_TOKENS over `reusable`.
   * It leaves the list (so that parking the current conversation cannot evict it): restore it next.
   */
  takeBestMatch(prompt: readonly PromptPart[], reusable: number, tokenize: Tokenize): ParkedMatch | undefined {
    let best: ParkedMatch | undefined;
    for (const parked of this.parked) {
      const chunks = parked.history.chunksFor(prompt, tokenize);
      const tokens = flattenTokens(chunks) as Token[];
      const shared = commonPrefixLength(parked.tokens, tokens);
      if (shared >= reusable + PARK_MIN_TOKENS && shared > (best?.reusable ?? 0)) best = { parked, chunks, tokens, reusable: shared };
    }
    if (best) this.parked.splice(this.parked.indexOf(best.parked), 1);
    return best;
  }

  /** Saves the sequence's state with the history that produced it; failures only cost speed. */
  async park(sequence: LlamaContextSequence, history: TokenHistory): Promise<void> {
    const file = path.join(this.directory, `${this.nextFile++}.state`);
    try {
      const { bavail, bsize } = await statfs(this.directory);
      const expected = (this.bytesPerToken ?? 0) * sequence.nextTokenIndex;
      if (bavail * bsize < expected + DISK_RESERVE_BYTES) {
        this.log('not enough free disk space to keep an interrupted conversation; it will be evaluated again if it returns');
        return;
      }
      const { fileSize } = await sequence.saveStateToFile(file);
      this.bytesPerToken = fileSize / Math.max(1, sequence.nextTokenIndex);
    } catch (error) {
      this.log(`could not save a conversation's KV cache (${(error as Error).message}); it will be evaluated again if it returns`);
      await rm(file, { force: true });
      return;
    }
    this.parked.unshift({ file, history: history.snapshot(), tokens: sequence.contextTokens });
    for (const evicted of this.parked.splice(MAX_PARKED)) await rm(evicted.file, { force: true });
  }

  /** Returns a match that was taken but not restored (the request was cancelled) to the list. */
  putBack(match: ParkedMatch): void {
    this.parked.push(match.parked);
    for (const evicted of this.parked.splice(MAX_PARKED)) void rm(evicted.file, { force: true });
  }

  /** Loads a parked state into the sequence; false (and an empty sequence) when that fails. */
  async restore(match: ParkedMatch, sequence: LlamaContextSequence): Promise<boolean> {
    try {
      await sequence.loadStateFromFile(match.parked.file, { acceptRisk: true });
      if (commonPrefixLength(sequence.contextTokens, match.parked.tokens) === match.parked.tokens.length) return true;
      this.log('a restored KV cache did not hold the tokens it was saved with; evaluating again');
    } catch (error) {
      this.log(`could not restore a conversation's KV cache (${(error as Error).message}); evaluating again`);
    } finally {
      await rm(match.parked.file, { force: true });
    }
    await sequence.clearHistory();
    return false;
  }

  clear(): void {
    this.parked.length = 0;
    this.removeDirectory();
    mkdirSync(this.directory, { recursive: true });
  }

  dispose(): void {
    this.parked.length = 0;
    this.removeDirectory();
    process.off('exit', this.removeDirectory);
  }
}
