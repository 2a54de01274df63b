import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AgentEvent } from '../../../src/protocol/agentEvent';
import type { ConversationMessage } from '../../../src/protocol/conversation';
import type { RunRecord } from '../../../src/protocol/webview';
import { HistoryStore, type SavedConversation } from '../../../src/app/historyStore';
import { BUSY_MESSAGE, RunController, type ControllerEvent, type ExplorerSession, type RunControllerOptions, type RunRequest } from '../../../src/app/runController';
import { requestOf } from '../../../src/app/runRequests';

/**
 * A session that emits a short run per question; a question containing "wait" runs until stopped.
 * Its conversation is the messages it started with, then each task and its report.
 */
class FakeSession implements ExplorerSession {
  readonly tasks: string[] = [];
  readonly maxTurns: (number | undefined)[] = [];
  /** Where each question worked, and whether its searches covered every root. */
  readonly places: { cwd: string; searchesAllRoots: boolean }[] = [];
  resets = 0;
  conversation: ConversationMessage[];

  constructor(
    history: readonly ConversationMessage[],
    public cwd: string,
  ) {
    this.conversation = [...history];
  }

  async ask(
    task: string,
    options: { signal: AbortSignal; onEvent: (event: AgentEvent) => void; maxTurns?: number; cwd: string; searchesAllRoots: boolean; runId: string },
  ) {
    this.tasks.push(task);
    this.places.push({ cwd: options.cwd, searchesAllRoots: options.searchesAllRoots });
    this.maxTurns.push(options.maxTurns);
    const { runId } = options;
    let seq = 0;
    options.onEvent({ seq: seq++, runId, type: 'run/started', task, cwd: '/w', maxTurns: options.maxTurns ?? 10, startedAt: Date.now() });
    if (task.includes('break')) throw new Error('The tools went away.');
    this.cwd = options.cwd;
    this.conversation.push({ role: 'user', content: task }, { role: 'assistant', content: 'Report.' });
    if (task.includes('wait')) {
      options.onEvent({ seq: seq++, runId, type: 'usage', turn: 1, promptTokens: 10, evaluatedTokens: 10, completionTokens: 5 });
      await new Promise((resolve) => options.signal.addEventListener('abort', resolve, { once: true }));
      options.onEvent({ seq: seq++, runId, type: 'run/finished', reason: 'cancelled', turns: 0, toolCalls: 0, durationMs: 5 });
      return { runId, reason: 'cancelled' as const };
    }
    await Promise.resolve();
    options.onEvent({ seq: seq++, runId, type: 'text/delta', turn: 1, text: 'Report.' });
    options.onEvent({ seq: seq++, runId, type: 'run/finished', reason: 'done', report: 'Report.', turns: 1, toolCalls: 0, durationMs: 5 });
    return { runId, reason: 'done' as const, report: 'Report.' };
  }
  reset() {
    this.resets++;
  }
}

/** A model that loads until the test lets it (or forever). */
function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
}

function setup(options: { model?: 'present' | 'missing' | 'broken' | 'loading'; history?: RunControllerOptions['history'] } = {}) {
  const sessions: FakeSession[] = [];
  const opened: { cwd: string; conversation: readonly ConversationMessage[] }[] = [];
  const history: { begun: RunRecord[]; finished: RunRecord[]; conversations: (SavedConversation | undefined)[] } = { begun: [], finished: [], conversations: [] };
  const state = { model: options.model ?? 'present', loaded: deferred() };
  const controller = new RunController({
    openSession: async (cwd, conversation) => {
      opened.push({ cwd, conversation });
      if (state.model === 'loading') await state.loaded.promise;
      if (state.model === 'missing') return 'modelNeeded';
      if (state.model === 'broken') throw new Error('Model file not found: /nope.gguf');
      const session = new FakeSession(conversation, cwd);
      sessions.push(session);
      return session;
    },
    history: options.history ?? {
      begin: async (record) => void history.begun.push(record),
      finish: async (record) => void history.finished.push(structuredClone(record)),
      saveConversation: async (conversation) => void history.conversations.push(conversation),
      forgetConversation: async () => void history.conversations.push(undefined),
    },
    maxTurnsFor: (thoroughness) => ({ quick: 5, medium: 10, veryThorough: 20 })[thoroughness],
    log: { info: () => {}, error: () => {} },
  });
  const events: ControllerEvent[] = [];
  controller.onEvent((event) => events.push(event));
  return { controller, sessions, opened, history, events, state };
}

const ask = (question: string, cwd = '/w', thoroughness: RunRequest['thoroughness'] = 'medium'): RunRequest => ({
  question,
  task: `task: ${question}`,
  scope: { kind: 'workspace' },
  thoroughness,
  cwd,
});

/** How a run ended, as its root's run/finished says. */
function endOf(record: RunRecord | undefined): Extract<AgentEvent, { type: 'run/finished' }> | undefined {
  const finished = record?.events.findLast((event) => event.type === 'run/finished' && event.runId === record.runId);
  return finished?.type === 'run/finished' ? finished : undefined;
}

describe('RunController', () => {
  it('runs a question, announcing the run before its events, and records it in history', async () => {
    const { controller, events, history, sessions } = setup();
    expect(await controller.start(ask('Where is auth?', '/w', 'quick'))).toBe('started');
    await controller.settled();
    expect(events.map((event) => event.type)).toEqual(['running', 'run/created', 'run/event', 'run/event', 'run/event', 'running', 'run/ended']);
    expect(events[0]).toEqual({ type: 'running', running: true });
    expect(events[5]).toEqual({ type: 'running', running: false });
    const runId = controller.runs[0]!.runId;
    expect(events[1]).toMatchObject({ type: 'run/created', run: { runId, question: 'Where is auth?', sessionId: controller.sessionId, task: 'task: Where is auth?', cwd: '/w' } });
    // The agent's run is the one the view was told about.
    expect(events[2]).toMatchObject({ type: 'run/event', runId, event: { type: 'run/started', runId } });
    expect(sessions[0]!.tasks).toEqual(['task: Where is auth?']);
    expect(sessions[0]!.maxTurns).toEqual([5]);
    expect(controller.runs).toHaveLength(1);
    expect(endOf(controller.runs[0])).toMatchObject({ reason: 'done' });
    expect(history.begun.map((record) => record.events.length)).toEqual([0]);
    expect(history.finished[0]!.events).toHaveLength(3);
    expect(controller.isRunning).toBe(false);
  });

  it('shows the question as a run at once, while the model loads, and Stop ends it without waiting for the load', async () => {
    const { controller, events, history, state } = setup({ model: 'loading' });
    const started = controller.start(ask('Where is auth?'));
    // Nothing awaited yet: the run is there, and active.
    expect(controller.runs.map((run) => run.question)).toEqual(['Where is auth?']);
    expect(controller.activeRunId).toBe(controller.runs[0]!.runId);
    expect(events.map((event) => event.type)).toEqual(['running', 'run/created']);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(history.begun.map((record) => record.question)).toEqual(['Where is auth?']);
    expect(controller.isRunning).toBe(true);
    controller.stop();
    expect(await started).toBe('failed');
    expect(endOf(controller.runs[0])).toMatchObject({ reason: 'cancelled', turns: 0 });
    expect(controller.isRunning).toBe(false);
    expect(events.at(-1)).toEqual({ type: 'run/ended', runId: controller.runs[0]!.runId, reason: 'cancelled' });
    state.loaded.resolve();
    await controller.settled();
  });

  it('saves a running question after each turn, with the time of its latest event', async () => {
    const { controller, history } = setup();
    const before = Date.now();
    await controller.start(ask('wait here'));
    await Promise.resolve();
    controller.stop();
    await controller.settled();
    expect(history.begun.map((record) => record.events.map((event) => event.type))).toEqual([[], ['run/started', 'usage']]);
    expect(history.begun[1]!.updatedAt).toBeGreaterThanOrEqual(before);
  });

  it('refuses a second question while one runs, saying so, and creates no run for it', async () => {
    const { controller, events } = setup();
    await controller.start(ask('wait here'));
    expect(await controller.start(ask('another'))).toBe('busy');
    expect(events.at(-1)).toMatchObject({ type: 'notice', level: 'warning', message: BUSY_MESSAGE });
    expect(controller.runs.map((run) => run.question)).toEqual(['wait here']);
    controller.stop();
    await controller.settled();
  });

  it('stops a run: it ends as cancelled and the next question can start', async () => {
    const { controller, events } = setup();
    await controller.start(ask('wait here'));
    expect(controller.isRunning).toBe(true);
    controller.stop();
    await controller.settled();
    expect(controller.isRunning).toBe(false);
    expect(events.at(-1)).toEqual({ type: 'run/ended', runId: controller.runs[0]!.runId, reason: 'cancelled' });
    expect(await controller.start(ask('next'))).toBe('started');
    await controller.settled();
  });

  it('continues the session for a follow-up in the same folder', async () => {
    const { controller, sessions } = setup();
    const sessionId = controller.sessionId;
    await controller.start(ask('first'));
    await controller.settled();
    await controller.start(ask('follow-up'));
    await controller.settled();
    expect(sessions).toHaveLength(1);
    expect(sessions[0]!.tasks).toHaveLength(2);
    expect(controller.sessionId).toBe(sessionId);
    expect(controller.runs.map((run) => run.question)).toEqual(['first', 'follow-up']);
  });

  it('continues the conversation for a question in another folder, which works in its own folder', async () => {
    const { controller, sessions, events } = setup();
    const before = controller.sessionId;
    await controller.start({ ...ask('explain', '/w/src'), scope: { kind: 'folder', path: '/w/src', label: 'src' } });
    await controller.settled();
    await controller.start(ask('and the tests?', '/w'));
    await controller.settled();
    expect(sessions).toHaveLength(1);
    expect(sessions[0]!.resets).toBe(0);
    expect(sessions[0]!.tasks).toEqual(['task: explain', 'task: and the tests?']);
    // A folder's searches stay in it; a question about the workspace searches every root.
    expect(sessions[0]!.places).toEqual([
      { cwd: '/w/src', searchesAllRoots: false },
      { cwd: '/w', searchesAllRoots: true },
    ]);
    expect(controller.sessionId).toBe(before);
    expect(events.some((event) => event.type === 'session/changed')).toBe(false);
    expect(controller.runs.map((run) => run.question)).toEqual(['explain', 'and the tests?']);
  });

  it('New Session stops the running question and starts an empty conversation', async () => {
    const { controller, sessions } = setup();
    await controller.start(ask('wait here'));
    const before = controller.sessionId;
    await controller.newSession();
    expect(controller.isRunning).toBe(false);
    expect(controller.runs).toEqual([]);
    expect(controller.sessionId).not.toBe(before);
    expect(sessions[0]!.resets).toBe(1);
  });

  it('shows a question asked without a model as a run waiting for one, and runs that same run once a model is there', async () => {
    const { controller, state, sessions, events } = setup({ model: 'missing' });
    expect(await controller.start(ask('Where is auth?'))).toBe('modelNeeded');
    const waiting = controller.runs[0]!;
    expect(waiting.question).toBe('Where is auth?');
    expect(waiting.events).toEqual([]);
    expect(controller.isRunning).toBe(true);
    expect(controller.activeRunId).toBe(waiting.runId);
    expect(controller.pendingRequest?.question).toBe('Where is auth?');
    expect(events.some((event) => event.type === 'notice')).toBe(false);
    state.model = 'present';
    expect(await controller.resumePending()).toBe('started');
    await controller.settled();
    expect(sessions[0]!.tasks).toEqual(['task: Where is auth?']);
    expect(controller.runs).toHaveLength(1);
    expect(controller.runs[0]!.events[0]).toMatchObject({ type: 'run/started', runId: waiting.runId });
    expect(endOf(controller.runs[0])).toMatchObject({ reason: 'done' });
    expect(controller.pendingRequest).toBeUndefined();
    expect(await controller.resumePending()).toBeUndefined();
  });

  it('stops a question that waits for a model: it ends as cancelled', async () => {
    const { controller, history } = setup({ model: 'missing' });
    await controller.start(ask('Where is auth?'));
    controller.stop();
    await controller.settled();
    expect(controller.isRunning).toBe(false);
    expect(endOf(controller.runs[0])).toMatchObject({ reason: 'cancelled' });
    expect(endOf(history.finished[0])).toMatchObject({ reason: 'cancelled' });
    expect(await controller.resumePending()).toBeUndefined();
  });

  it('ends at once, with the given error, a question from a caller that cannot wait for a model', async () => {
    const { controller } = setup({ model: 'missing' });
    expect(await controller.start(ask('Where is auth?'), { noModelError: 'No model yet.' })).toBe('modelNeeded');
    expect(controller.isRunning).toBe(false);
    expect(controller.pendingRequest).toBeUndefined();
    expect(endOf(controller.runs[0])).toMatchObject({ reason: 'error', error: 'No model yet.' });
  });

  it('ends the run with the error when the model cannot be opened (no notice besides), and asks the same again on Retry', async () => {
    const { controller, events, state, history, sessions } = setup({ model: 'broken' });
    const request = { ...ask('Where is auth?', '/w/src', 'quick'), scope: { kind: 'folder' as const, path: '/w/src', label: 'src' } };
    expect(await controller.start(request)).toBe('failed');
    const failed = controller.runs[0]!;
    expect(endOf(failed)).toMatchObject({ reason: 'error', error: 'Model file not found: /nope.gguf', turns: 0, toolCalls: 0 });
    expect(events.filter((event) => event.type === 'notice')).toEqual([]);
    expect(events.at(-1)).toEqual({ type: 'run/ended', runId: failed.runId, reason: 'error' });
    await controller.settled();
    expect(endOf(history.finished[0])).toMatchObject({ reason: 'error' });
    expect(controller.isRunning).toBe(false);

    state.model = 'present';
    const again = requestOf(failed);
    expect(again).toEqual(request);
    expect(await controller.start(again!)).toBe('started');
    await controller.settled();
    expect(sessions[0]!.tasks).toEqual(['task: Where is auth?']);
    expect(sessions[0]!.places).toEqual([{ cwd: '/w/src', searchesAllRoots: false }]);
    expect(sessions[0]!.maxTurns).toEqual([5]);
    expect(controller.runs.map((run) => [run.question, endOf(run)?.reason])).toEqual([
      ['Where is auth?', 'error'],
      ['Where is auth?', 'done'],
    ]);
  });

  it('ends a run the agent broke off with the error, so that it never stays running', async () => {
    const { controller } = setup();
    await controller.start(ask('break here'));
    await controller.settled();
    expect(endOf(controller.runs[0])).toMatchObject({ reason: 'error', error: 'The tools went away.', seq: 1 });
    expect(controller.isRunning).toBe(false);
  });
});

describe('RunController across a window reload', () => {
  it('saves the conversation when a question is asked and after it, and forgets it on New Session', async () => {
    const { controller, history } = setup();
    await controller.start(ask('first', '/w/src'));
    await controller.settled();
    expect(history.conversations).toEqual([
      // The first question of a session continues nothing.
      { sessionId: controller.sessionId, cwd: '/w/src', messages: [] },
      {
        sessionId: controller.sessionId,
        cwd: '/w/src',
        messages: [
          { role: 'user', content: 'task: first' },
          { role: 'assistant', content: 'Report.' },
        ],
      },
    ]);
    await controller.start(ask('follow-up', '/w'));
    await controller.settled();
    // A window reload continues where the latest question worked.
    expect(history.conversations.at(-1)?.cwd).toBe('/w');
    await controller.newSession();
    await controller.settled();
    expect(history.conversations.at(-1)).toBeUndefined();
  });

  it('shows a restored session as the live one, and continues its conversation in its folder', async () => {
    const { controller, sessions, opened, events } = setup();
    const earlier = setup();
    await earlier.controller.start(ask('first', '/w/src'));
    await earlier.controller.settled();
    const saved = earlier.history.conversations.at(-1)!;
    controller.restore({ ...saved, runs: [...earlier.controller.runs] });
    expect(controller.sessionId).toBe(saved.sessionId);
    expect(controller.runs.map((run) => run.question)).toEqual(['first']);
    expect(events).toContainEqual({ type: 'session/changed', sessionId: saved.sessionId });

    await controller.start(ask('follow-up', '/w'));
    await controller.settled();
    expect(opened.map((open) => open.cwd)).toEqual(['/w/src']);
    expect(sessions[0]!.conversation.map((message) => message.content)).toEqual(['task: first', 'Report.', 'task: follow-up', 'Report.']);
    expect(sessions[0]!.places.map((place) => place.cwd)).toEqual(['/w']);
    expect(controller.runs.map((run) => run.question)).toEqual(['first', 'follow-up']);
    expect(new Set(controller.runs.map((run) => run.sessionId))).toEqual(new Set([saved.sessionId]));
  });

  it('ignores a saved session once the window has started one of its own', async () => {
    const { controller } = setup();
    await controller.start(ask('new'));
    await controller.settled();
    const before = controller.sessionId;
    controller.restore({ sessionId: 'old', cwd: '/w', messages: [], runs: [] });
    expect(controller.sessionId).toBe(before);
  });
});

describe('RunController and a window that closes mid-run', () => {
  let folder: string;
  beforeEach(async () => {
    folder = await mkdtemp(path.join(tmpdir(), 'loco-controller-'));
  });
  afterEach(() => rm(folder, { recursive: true, force: true }));

  /** The same storage across windows: workspaceState and the history folder. */
  function windowOn(memento: Map<string, unknown>) {
    const store = new HistoryStore({ get: <T>(key: string) => memento.get(key) as T | undefined, update: async (key, value) => void memento.set(key, structuredClone(value)) }, folder);
    return { store, ...setup({ history: store }) };
  }

  it('restores a run cut off mid-run as interrupted, with how long it ran, and continues the conversation from before it', async () => {
    const memento = new Map<string, unknown>();
    const first = windowOn(memento);
    await first.controller.start(ask('first'));
    await first.controller.settled();
    await first.controller.start(ask('wait here'));
    await new Promise((resolve) => setTimeout(resolve, 20));
    const cutAt = Date.now();
    await first.controller.close();

    const second = windowOn(memento);
    const saved = await second.store.loadConversation();
    expect(saved).toBeDefined();
    second.controller.restore(saved!);
    const [done, cut] = second.controller.runs;
    expect(done).toMatchObject({ question: 'first' });
    expect(done!.interrupted).toBeUndefined();
    // Cut off, not stopped: no end, the mark, and the time of its last event (not of the reload).
    expect(cut).toMatchObject({ question: 'wait here', interrupted: true });
    expect(endOf(cut)).toBeUndefined();
    const started = cut!.events.find((event) => event.type === 'run/started');
    expect(started?.type === 'run/started' && cut!.updatedAt! - started.startedAt).toBeGreaterThanOrEqual(0);
    expect(cut!.updatedAt).toBeLessThanOrEqual(cutAt);

    // The next question continues the conversation the view shows as the model saw it: the first question, not the cut-off one.
    await second.controller.start(ask('follow-up'));
    await second.controller.settled();
    expect(second.opened[0]!.conversation.map((message) => message.content)).toEqual(['task: first', 'Report.']);
    expect(second.sessions[0]!.conversation.map((message) => message.content)).toEqual(['task: first', 'Report.', 'task: follow-up', 'Report.']);
    expect(second.controller.runs.map((run) => run.question)).toEqual(['first', 'wait here', 'follow-up']);
  });

  it('restores the first question of a session, cut off, as that session', async () => {
    const memento = new Map<string, unknown>();
    const first = windowOn(memento);
    await first.controller.start(ask('wait here', '/w/src'));
    await first.controller.close();

    const second = windowOn(memento);
    const saved = await second.store.loadConversation();
    expect(saved).toMatchObject({ sessionId: first.controller.sessionId, cwd: '/w/src', messages: [] });
    expect(saved!.runs.map((run) => [run.question, run.interrupted])).toEqual([['wait here', true]]);
  });
});

describe('RunController after an engine change', () => {
  it('starts the next question in a new session', async () => {
    const { controller, sessions } = setup();
    await controller.start(ask('first'));
    await controller.settled();
    const before = controller.sessionId;
    controller.forgetSession();
    await controller.start(ask('second'));
    await controller.settled();
    expect(sessions).toHaveLength(2);
    expect(controller.sessionId).not.toBe(before);
    expect(controller.runs.map((run) => run.question)).toEqual(['second']);
  });
});
