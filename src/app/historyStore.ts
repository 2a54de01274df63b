import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { AgentEvent } from '../protocol/agentEvent';
import { ConversationMessage } from '../protocol/conversation';
import { HistoryEntry, RunRecord } from '../protocol/webview';

/**
 * The workspace's past runs. The list lives in a small key-value store (VS Code's workspaceState);
 * each run's full trace is a JSON file in the workspace's storage folder, because traces reach
 * megabytes and the key-value store is loaded whole at startup. Both are read back through their
 * schemas: storage can be stale, from an older version, or edited by hand.
 */

/** The part of `vscode.Memento` the store needs. */
export interface KeyValueStore {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): PromiseLike<void>;
}

const INDEX_KEY = 'locooperator.history';
const StoredIndex = z.array(HistoryEntry);

/**
 * The live session's conversation as the model saw it (every message, tool responses included),
 * saved after each question so that after a window reload the next question continues it.
 */
export const SavedConversation = z.object({
  sessionId: z.string(),
  /** The folder the session's model works in. */
  cwd: z.string(),
  messages: z.array(ConversationMessage),
});
export type SavedConversation = z.infer<typeof SavedConversation>;

/** A saved conversation with the runs that show it. */
export interface SavedSession extends SavedConversation {
  runs: RunRecord[];
}

/** One file, in a folder of its own so that no run's file can be it: only the live session continues after a reload. */
const CONVERSATION_FILE = path.join('session', 'current.json');

export class HistoryStore {
  constructor(
    private readonly index: KeyValueStore,
    /** The folder for trace files (created on first write). */
    private readonly folder: string,
    private readonly limit = 100,
  ) {}

  /** Newest first. */
  list(): HistoryEntry[] {
    const parsed = StoredIndex.safeParse(this.index.get(INDEX_KEY) ?? []);
    return parsed.success ? parsed.data : [];
  }

  /**
   * Records a run that has not finished (when it starts, and again as it goes), so that a run
   * cut short by a window reload is still listed with what it had found.
   */
  async begin(record: RunRecord): Promise<void> {
    const entry: HistoryEntry = {
      runId: record.runId,
      sessionId: record.sessionId,
      question: record.question,
      createdAt: record.createdAt,
    };
    await this.writeRecord(record);
    await this.saveIndex([entry, ...this.list().filter((known) => known.runId !== record.runId)]);
  }

  async finish(record: RunRecord): Promise<void> {
    const finished = record.events.findLast((event) => event.type === 'run/finished' && event.runId === record.runId);
    await this.writeRecord(record);
    const entries = this.list();
    const entry: HistoryEntry = {
      runId: record.runId,
      sessionId: record.sessionId,
      question: record.question,
      createdAt: record.createdAt,
      ...(finished?.type === 'run/finished'
        ? { reason: finished.reason, durationMs: finished.durationMs, toolCalls: finished.toolCalls }
        : {}),
    };
    const others = entries.filter((known) => known.runId !== record.runId);
    await this.saveIndex([entry, ...others].sort((a, b) => b.createdAt - a.createdAt));
  }

  /**
   * A stored run. One without an end was cut off by a window reload or a crash of the extension
   * host (a window saves each run's end, and its own running question is never read back): it
   * comes back marked interrupted.
   */
  async load(runId: string): Promise<RunRecord | undefined> {
    if (!this.list().some((entry) => entry.runId === runId)) return undefined;
    try {
      const parsed = RunRecord.safeParse(JSON.parse(await readFile(this.fileOf(runId), 'utf8')));
      if (!parsed.success) return undefined;
      const record = parsed.data;
      const ended = record.events.some((event) => event.type === 'run/finished' && event.runId === record.runId);
      return ended ? record : { ...record, interrupted: true };
    } catch {
      return undefined;
    }
  }

  /** Every stored run of a session, oldest first. */
  async loadSession(sessionId: string): Promise<RunRecord[]> {
    const runIds = this.list()
      .filter((entry) => entry.sessionId === sessionId)
      .map((entry) => entry.runId);
    const records = await Promise.all(runIds.map((runId) => this.load(runId)));
    return records.filter((record): record is RunRecord => record !== undefined).sort((a, b) => a.createdAt - b.createdAt);
  }

  async saveConversation(conversation: SavedConversation): Promise<void> {
    await this.writeJson(path.join(this.folder, CONVERSATION_FILE), conversation);
  }

  /** The live session's conversation when the window closed, with its runs; undefined when there is none to continue. */
  async loadConversation(): Promise<SavedSession | undefined> {
    try {
      const parsed = SavedConversation.safeParse(JSON.parse(await readFile(path.join(this.folder, CONVERSATION_FILE), 'utf8')));
      if (!parsed.success) return undefined;
      const runs = await this.loadSession(parsed.data.sessionId);
      // Its runs deleted from history, the conversation would continue out of sight.
      return runs.length === 0 ? undefined : { ...parsed.data, runs };
    } catch {
      return undefined;
    }
  }

  /** After New Session: the next window starts with an empty conversation too. */
  async forgetConversation(): Promise<void> {
    await rm(path.join(this.folder, CONVERSATION_FILE), { force: true });
  }

  async delete(runId: string): Promise<void> {
    await this.saveIndex(this.list().filter((entry) => entry.runId !== runId));
    await rm(this.fileOf(runId), { force: true });
  }

  private async saveIndex(entries: HistoryEntry[]): Promise<void> {
    const kept = entries.slice(0, this.limit);
    await this.index.update(INDEX_KEY, kept);
    await Promise.all(entries.slice(this.limit).map((entry) => rm(this.fileOf(entry.runId), { force: true })));
  }

  private async writeRecord(record: RunRecord): Promise<void> {
    await this.writeJson(this.fileOf(record.runId), { ...record, events: compactEvents(record.events) });
  }

  /** Written whole or not at all: a reload may come at any moment. */
  private async writeJson(file: string, value: unknown): Promise<void> {
    await mkdir(path.dirname(file), { recursive: true });
    const temporary = `${file}.${process.pid}.tmp`;
    await writeFile(temporary, JSON.stringify(value));
    await rename(temporary, file);
  }

  /** Run ids come from our own agent, but the file name must not depend on that. */
  private fileOf(runId: string): string {
    return path.join(this.folder, `${encodeURIComponent(runId)}.json`);
  }
}

/**
 * Joins consecutive text deltas of the same run and turn: a stored trace replays the same text
 * with a fraction of the events (the model streams a few characters per delta).
 */
export function compactEvents(events: readonly AgentEvent[]): AgentEvent[] {
  const compacted: AgentEvent[] = [];
  for (const event of events) {
    const previous = compacted.at(-1);
    if (event.type === 'text/delta' && previous?.type === 'text/delta' && previous.runId === event.runId && previous.turn === event.turn) {
      compacted[compacted.length - 1] = { ...previous, text: previous.text + event.text };
    } else {
      compacted.push(event);
    }
  }
  return compacted;
}
