import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AgentEvent } from '../../../src/protocol/agentEvent';
import type { RunRecord } from '../../../src/protocol/webview';
import { compactEvents, HistoryStore, type KeyValueStore } from '../../../src/app/historyStore';

/** An in-memory stand-in for vscode.Memento that, like it, hands out copies. */
class FakeMemento implements KeyValueStore {
  readonly values = new Map<string, string>();
  get<T>(key: string): T | undefined {
    const value = this.values.get(key);
    return value === undefined ? undefined : (JSON.parse(value) as T);
  }
  async update(key: string, value: unknown): Promise<void> {
    this.values.set(key, JSON.stringify(value));
  }
}

let folder: string;
let memento: FakeMemento;

beforeEach(async () => {
  folder = await mkdtemp(path.join(tmpdir(), 'loco-history-'));
  memento = new FakeMemento();
});
afterEach(() => rm(folder, { recursive: true, force: true }));

function record(runId: string, sessionId: string, createdAt: number, finished = true): RunRecord {
  const events: AgentEvent[] = [
    { seq: 0, runId, type: 'run/started', task: 'Where is X?', cwd: '/w', maxTurns: 10, startedAt: createdAt },
    { seq: 1, runId, type: 'turn/started', turn: 1 },
    { seq: 2, runId, type: 'text/delta', turn: 1, text: 'X is ' },
    { seq: 3, runId, type: 'text/delta', turn: 1, text: 'in a.py:1' },
  ];
  if (finished) {
    events.push({ seq: 4, runId, type: 'run/finished', reason: 'done', report: 'X is in a.py:1', turns: 1, toolCalls: 0, durationMs: 1200 });
  }
  return { runId, sessionId, question: `question ${runId}`, scope: { kind: 'workspace' }, thoroughness: 'medium', createdAt, events };
}

describe('HistoryStore', () => {
  it('lists a run from its start, and its outcome once finished, newest first', async () => {
    const store = new HistoryStore(memento, folder);
    await store.begin(record('r1', 's1', 1000, false));
    expect(store.list()).toEqual([{ runId: 'r1', sessionId: 's1', question: 'question r1', createdAt: 1000 }]);
    await store.finish(record('r1', 's1', 1000));
    await store.begin(record('r2', 's1', 2000, false));
    await store.finish(record('r2', 's1', 2000));
    expect(store.list().map((entry) => [entry.runId, entry.reason, entry.durationMs])).toEqual([
      ['r2', 'done', 1200],
      ['r1', 'done', 1200],
    ]);
  });

  it('survives a reload: a new store over the same storage reopens the full trace', async () => {
    await new HistoryStore(memento, folder).finish(record('r1', 's1', 1000));
    const reopened = await new HistoryStore(memento, folder).load('r1');
    expect(reopened?.question).toBe('question r1');
    expect(reopened?.events.map((event) => event.type)).toEqual(['run/started', 'turn/started', 'text/delta', 'run/finished']);
    expect(reopened?.events[2]).toMatchObject({ text: 'X is in a.py:1' });
  });

  it('keeps the live conversation across a reload until New Session forgets it', async () => {
    const conversation = { sessionId: 's1', cwd: '/w', messages: [{ role: 'user' as const, content: 'Where is X?' }] };
    await new HistoryStore(memento, folder).finish(record('r1', 's1', 1000));
    await new HistoryStore(memento, folder).saveConversation(conversation);
    const reopened = new HistoryStore(memento, folder);
    const saved = await reopened.loadConversation();
    expect(saved).toMatchObject(conversation);
    expect(saved?.runs.map((run) => run.runId)).toEqual(['r1']);
    await reopened.forgetConversation();
    expect(await new HistoryStore(memento, folder).loadConversation()).toBeUndefined();
  });

  it('does not continue a conversation whose runs were deleted from history', async () => {
    const store = new HistoryStore(memento, folder);
    await store.finish(record('r1', 's1', 1000));
    await store.saveConversation({ sessionId: 's1', cwd: '/w', messages: [] });
    await store.delete('r1');
    expect(await store.loadConversation()).toBeUndefined();
  });

  it('reopens a whole session in order', async () => {
    const store = new HistoryStore(memento, folder);
    await store.finish(record('r2', 's1', 2000));
    await store.finish(record('r1', 's1', 1000));
    await store.finish(record('other', 's2', 1500));
    expect((await store.loadSession('s1')).map((run) => run.runId)).toEqual(['r1', 'r2']);
  });

  it('deletes a run from the list and from disk', async () => {
    const store = new HistoryStore(memento, folder);
    await store.finish(record('r1', 's1', 1000));
    await store.delete('r1');
    expect(store.list()).toEqual([]);
    expect(await store.load('r1')).toBeUndefined();
    expect(await readdir(folder)).toEqual([]);
  });

  it('keeps only the newest runs, removing the traces of the others', async () => {
    const store = new HistoryStore(memento, folder, 2);
    for (const [index, runId] of ['a', 'b', 'c'].entries()) await store.finish(record(runId, 's', index));
    expect(store.list().map((entry) => entry.runId)).toEqual(['c', 'b']);
    expect((await readdir(folder)).sort()).toEqual(['b.json', 'c.json']);
  });

  it('treats corrupt storage as empty instead of failing', async () => {
    await memento.update('locooperator.history', [{ runId: 5 }]);
    expect(new HistoryStore(memento, folder).list()).toEqual([]);
    const store = new HistoryStore(new FakeMemento(), folder);
    await store.finish(record('r1', 's1', 1000));
    await writeFile(path.join(folder, 'r1.json'), '{"not": "a record"');
    expect(await store.load('r1')).toBeUndefined();
  });

  it('does not let a run id choose the file name', async () => {
    const store = new HistoryStore(memento, folder);
    await store.finish(record('../../escape', 's1', 1000));
    expect(await readdir(folder)).toEqual([`${encodeURIComponent('../../escape')}.json`]);
  });
});

describe('compactEvents', () => {
  it('joins consecutive text of one turn and keeps everything else as it was', () => {
    const events = record('r', 's', 0).events;
    const compacted = compactEvents(events);
    expect(compacted).toHaveLength(4);
    expect(compacted[2]).toEqual({ seq: 2, runId: 'r', type: 'text/delta', turn: 1, text: 'X is in a.py:1' });
    expect(compactEvents([events[2]!, { ...events[3]!, runId: 'sub' } as AgentEvent])).toHaveLength(2);
  });
});
