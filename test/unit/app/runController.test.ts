import { describe, expect, it } from 'vitest';
import type { AgentEvent } from '../../../src/protocol/agentEvent';
import type { ConversationMessage } from '../../../src/protocol/conversation';
import type { RunRecord } from '../../../src/protocol/webview';
import type { SavedConversation } from '../../../src/app/historyStore';
import { BUSY_MESSAGE, RunController, type ControllerEvent, type ExplorerSession, type RunRequest } from '../../../src/app/runController';

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
    options: { signal: AbortSignal; onEvent: (event: AgentEvent) => void; maxTurns?: number; cwd: string; searchesAllRoots: boolean },
  ) {
    this.tasks.push(task);
    this.places.push({ cwd: options.cwd, searchesAllRoots: options.searchesAllRoots });
    this.cwd = options.cwd;
    this.conversation.push({ role: 'user', content: task }, { role: 'assistant', content: 'Report.' });
    this.maxTurns.push(options.maxTurns);
    const runId = `run-${this.tasks.length}`;
    let seq = 0;
    options.onEvent({ seq: seq++, runId, type: 'run/started', task, cwd: '/w', maxTurns: options.maxTurns ?? 10, startedAt: 0 });
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

function setup(options: { model?: 'present' | 'missing' | 'broken' } = {}) {
  const sessions: FakeSession[] = [];
  const opened: string[] = [];
  const history: { begun: RunRecord[]; finished: RunRecord[]; conversations: (SavedConversation | undefined)[] } = { begun: [], finished: [], conversations: [] };
  const state = { model: options.model ?? 'present' };
  const controller = new RunController({
    openSession: async (cwd, conversation) => {
      opened.push(cwd);
      if (state.model === 'missing') return 'modelNeeded';
      if (state.model === 'broken') throw new Error('Model file not found: /nope.gguf');
      const session = new FakeSession(conversation, cwd);
      sessions.push(session);
      return session;
    },
    history: {
      begin: async (record) => void history.begun.push(record),
      finish: async (record) => void history.finished.push(record),
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

describe('RunController', () => {
  it('runs a question, announcing the run before its events, and records it in history', async () => {
    const { controller, events, history, sessions } = setup();
    expect(await controller.start(ask('Where is auth?', '/w', 'quick'))).toBe('started');
    await controller.settled();
    expect(events.map((event) => event.type)).toEqual(['running', 'run/created', 'run/event', 'run/event', 'run/event', 'running', 'run/ended']);
    expect(events[0]).toEqual({ type: 'running', running: true });
    expect(events[5]).toEqual({ type: 'running', running: false });
    expect(events[1]).toMatchObject({ type: 'run/created', run: { runId: 'run-1', question: 'Where is auth?', sessionId: controller.sessionId } });
    expect(sessions[0]!.tasks).toEqual(['task: Where is auth?']);
    expect(sessions[0]!.maxTurns).toEqual([5]);
    expect(controller.runs).toHaveLength(1);
    expect(controller.runs[0]!.events.at(-1)).toMatchObject({ type: 'run/finished', reason: 'done' });
    expect(history.begun.map((record) => record.events.length)).toEqual([1]);
    expect(history.finished[0]!.events).toHaveLength(3);
    expect(controller.isRunning).toBe(false);
  });

  it('saves a running question after each turn, so a reload keeps what it found', async () => {
    const { controller, history } = setup();
    await controller.start(ask('wait here'));
    await Promise.resolve();
    controller.stop();
    await controller.settled();
    expect(history.begun.map((record) => record.events.map((event) => event.type))).toEqual([['run/started'], ['run/started', 'usage']]);
  });

  it('refuses a second question while one runs, saying so', async () => {
    const { controller, events } = setup();
    await controller.start(ask('wait here'));
    expect(await controller.start(ask('another'))).toBe('busy');
    expect(events.at(-1)).toMatchObject({ type: 'notice', level: 'warning', message: BUSY_MESSAGE });
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
    expect(events.at(-1)).toEqual({ type: 'run/ended', runId: 'run-1', reason: 'cancelled' });
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

  it('keeps a question asked without a model and runs it once a model is there', async () => {
    const { controller, state, sessions } = setup({ model: 'missing' });
    expect(await controller.start(ask('Where is auth?'))).toBe('modelNeeded');
    expect(controller.isRunning).toBe(false);
    expect(controller.pendingRequest?.question).toBe('Where is auth?');
    state.model = 'present';
    expect(await controller.resumePending()).toBe('started');
    await controller.settled();
    expect(sessions[0]!.tasks).toEqual(['task: Where is auth?']);
    expect(controller.pendingRequest).toBeUndefined();
    expect(await controller.resumePending()).toBeUndefined();
  });

  it('reports a model that cannot be opened as an error notice, and stays usable', async () => {
    const { controller, events, state } = setup({ model: 'broken' });
    expect(await controller.start(ask('q'))).toBe('failed');
    expect(events).toContainEqual({ type: 'notice', level: 'error', message: 'Model file not found: /nope.gguf' });
    expect(controller.isRunning).toBe(false);
    state.model = 'present';
    expect(await controller.start(ask('q'))).toBe('started');
    await controller.settled();
  });
});

describe('RunController across a window reload', () => {
  it('saves the conversation after each question, and forgets it on New Session', async () => {
    const { controller, history } = setup();
    await controller.start(ask('first', '/w/src'));
    await controller.settled();
    expect(history.conversations).toEqual([
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
    const saved = earlier.history.conversations[0]!;
    controller.restore({ ...saved, runs: [...earlier.controller.runs] });
    expect(controller.sessionId).toBe(saved.sessionId);
    expect(controller.runs.map((run) => run.question)).toEqual(['first']);
    expect(events).toContainEqual({ type: 'session/changed', sessionId: saved.sessionId });

    await controller.start(ask('follow-up', '/w'));
    await controller.settled();
    expect(opened).toEqual(['/w/src']);
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
