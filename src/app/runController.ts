import { randomUUID } from 'node:crypto';
import type { AgentEvent, RunFinishReason } from '../protocol/agentEvent';
import type { ConversationMessage } from '../protocol/conversation';
import type { RunHeader, RunRecord, Scope, Thoroughness } from '../protocol/webview';
import type { HistoryStore, SavedConversation, SavedSession } from './historyStore';
import { errorMessage } from '../protocol/errorMessage';
import { whenAborted } from './whenAborted';

/**
 * Runs the user's questions through the agent, one at a time per session, and keeps the live
 * session's runs (every event) so that the view can be rebuilt from a snapshot at any moment.
 * Free of `vscode`: the extension wires it to the model, the view and the status bar.
 */

/** What the controller needs from the agent's session (AgentSession implements it). */
export interface ExplorerSession {
  /** Asks in `cwd` as the run `runId`; a search without a path covers every root when `searchesAllRoots`. */
  ask(
    task: string,
    options: { signal: AbortSignal; onEvent: (event: AgentEvent) => void; maxTurns?: number; cwd: string; searchesAllRoots: boolean; runId: string },
  ): Promise<{ runId: string; reason: RunFinishReason; report?: string; error?: string }>;
  reset(): void;
  /** The conversation so far, as the model saw it. */
  readonly conversation: readonly ConversationMessage[];
  /** The working directory of its latest question. */
  readonly cwd: string;
}

export interface RunRequest {
  /** What the view shows as the question. */
  question: string;
  /** What the model is asked (the question, or a command's full task text). */
  task: string;
  scope: Scope;
  thoroughness: Thoroughness;
  /** The working directory the model is told about (a workspace folder, or the scoped folder). */
  cwd: string;
}

/**
 * What became of a question: it runs; another one runs (nothing was created); it waits for a
 * model to be downloaded or selected (it runs then); or it ended before the model saw it (failed,
 * or stopped while the model loaded). Every question but a busy one is a run in the view.
 */
export type StartResult = 'started' | 'busy' | 'modelNeeded' | 'failed';

export interface StartOptions {
  /**
   * Another agent cannot wait for a download: with this, a question that finds no model ends at
   * once with this error instead of waiting for one.
   */
  noModelError?: string;
}

export type ControllerEvent =
  | { type: 'run/created'; run: RunHeader }
  | { type: 'run/event'; runId: string; sessionId: string; event: AgentEvent }
  | { type: 'run/ended'; runId: string; reason: RunFinishReason }
  /** The live session was replaced (New Session, or a new model). */
  | { type: 'session/changed'; sessionId: string }
  | { type: 'notice'; level: 'info' | 'warning' | 'error'; message: string }
  /** A question started (the model may still be loading, or not be there yet) or ended. */
  | { type: 'running'; running: boolean };

export interface RunControllerOptions {
  /**
   * A session whose model answers in `cwd`, continuing `conversation` (a session saved before a
   * window reload), or 'modelNeeded' when no model is available yet.
   */
  openSession(cwd: string, conversation: readonly ConversationMessage[]): Promise<ExplorerSession | 'modelNeeded'>;
  history: Pick<HistoryStore, 'begin' | 'finish' | 'saveConversation' | 'forgetConversation'>;
  maxTurnsFor(thoroughness: Thoroughness): number;
  log: { info(message: string): void; error(message: string): void };
}

interface ActiveRun {
  abort: AbortController;
  request: RunRequest;
  record: RunRecord;
  /** Set while the question waits for a model to be downloaded or selected. */
  waitingForModel: boolean;
  /** When its latest event came (its creation until then). */
  lastEventAt: number;
  /** Settles when the run has ended. */
  done: Promise<void>;
  markDone(): void;
}

export const BUSY_MESSAGE = 'A run is in progress. Wait for it to finish, or stop it first.';

export class RunController {
  private liveSessionId: string = randomUUID();
  private session?: ExplorerSession;
  /** A conversation saved before a window reload, which the next question opens a session on. */
  private restored?: { cwd: string; messages: readonly ConversationMessage[] };
  private records: RunRecord[] = [];
  private active?: ActiveRun;
  /** Set when the engine changed: the next question starts a new session on the new model. */
  private sessionStale = false;
  /** Set when the window closes: a run cut off then stays as it was, to be shown as interrupted. */
  private closing = false;
  private readonly listeners = new Set<(event: ControllerEvent) => void>();
  /** History writes in the order they were made (a fast run's finish must not overtake its begin). */
  private historyWrites: Promise<void> = Promise.resolve();

  constructor(private readonly options: RunControllerOptions) {}

  get sessionId(): string {
    return this.liveSessionId;
  }

  /** The live session's runs, oldest first (the active one included). */
  get runs(): readonly RunRecord[] {
    return this.records;
  }

  get activeRunId(): string | undefined {
    return this.active?.record.runId;
  }

  /** A question is being answered, or waits for its model. */
  get isRunning(): boolean {
    return this.active !== undefined;
  }

  /** The question waiting for a model (asked before one was downloaded or selected). */
  get pendingRequest(): RunRequest | undefined {
    return this.active?.waitingForModel ? this.active.request : undefined;
  }

  onEvent(listener: (event: ControllerEvent) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /**
   * Starts a run unless one is going. The run exists (`run/created`) before anything is awaited,
   * so that the question shows while the model loads, downloads or connects, and whatever
   * happens next ends it in the view. Resolves once it has started (not when it ends).
   */
  async start(request: RunRequest, options: StartOptions = {}): Promise<StartResult> {
    if (this.active) {
      this.emit({ type: 'notice', level: 'warning', message: BUSY_MESSAGE });
      return 'busy';
    }
    if (this.session && this.sessionStale) this.replaceSession();
    return this.open(this.createRun(request), options);
  }

  /** Runs the question that waited for a model, if there is one. */
  async resumePending(): Promise<StartResult | undefined> {
    const active = this.active;
    if (!active?.waitingForModel) return undefined;
    return this.open(active, {});
  }

  /** Stops the active run, or the question waiting for a model: it ends with reason `cancelled`. */
  stop(): void {
    const active = this.active;
    if (!active) return;
    active.abort.abort();
    // Nothing runs for a question waiting for a model: it ends here.
    if (active.waitingForModel) {
      active.waitingForModel = false;
      this.endRun(active, 'cancelled');
      this.settle(active);
    }
  }

  /** Stops what runs and starts a fresh conversation. */
  async newSession(): Promise<void> {
    const running = this.active;
    this.stop();
    if (running) await running.done;
    this.replaceSession();
  }

  /** Waits for the active run to end (after `stop()`, promptly). */
  async settled(): Promise<void> {
    await this.active?.done;
    await this.historyWrites;
  }

  /**
   * The window is closing (a reload, or the editor quits): the running question is cut off where
   * it is and saved as it stands, not as stopped, so that the next window shows it as
   * interrupted, and continues the conversation from before it (which is what was saved).
   */
  async close(): Promise<void> {
    const active = this.active;
    if (active) this.saveProgress(active);
    this.closing = true;
    if (active) {
      active.abort.abort();
      if (active.waitingForModel) this.release(active);
    }
    await this.settled();
  }

  /**
   * Makes a session saved before a window reload the live one: its runs are shown, and the next
   * question continues its conversation. Ignored once the window has a session of its own.
   */
  restore(saved: SavedSession): void {
    if (this.active || this.session || this.records.length > 0) return;
    this.liveSessionId = saved.sessionId;
    this.records = saved.runs;
    this.restored = { cwd: saved.cwd, messages: saved.messages };
    this.emit({ type: 'session/changed', sessionId: saved.sessionId });
  }

  /** Makes the next question start a new session (with the current settings and model). */
  forgetSession(): void {
    this.sessionStale = true;
  }

  private createRun(request: RunRequest): ActiveRun {
    const createdAt = Date.now();
    const record: RunRecord = {
      runId: randomUUID(),
      sessionId: this.liveSessionId,
      question: request.question,
      scope: request.scope,
      thoroughness: request.thoroughness,
      createdAt,
      task: request.task,
      cwd: request.cwd,
      events: [],
    };
    let markDone!: () => void;
    const done = new Promise<void>((resolve) => (markDone = resolve));
    const active: ActiveRun = { abort: new AbortController(), request, record, waitingForModel: false, lastEventAt: createdAt, done, markDone };
    this.active = active;
    this.records.push(record);
    this.options.log.info(`Question asked in ${request.cwd}: ${request.question.slice(0, 200)}`);
    this.emit({ type: 'running', running: true });
    const { events: _events, ...header } = record;
    this.emit({ type: 'run/created', run: header });
    // Saved before anything can fail or the window reload: the question is kept, and so is the
    // conversation it continues (the first question of a session has none saved yet).
    this.saveProgress(active);
    const conversation = this.conversationBefore(request);
    this.saveHistory(() => this.options.history.saveConversation(conversation));
    return active;
  }

  /** The conversation the next question continues: the session's, one restored after a reload, or none. */
  private conversationBefore(request: RunRequest): SavedConversation {
    const sessionId = this.liveSessionId;
    if (this.session) return { sessionId, cwd: this.session.cwd, messages: [...this.session.conversation] };
    if (this.restored) return { sessionId, cwd: this.restored.cwd, messages: [...this.restored.messages] };
    return { sessionId, cwd: request.cwd, messages: [] };
  }

  /** Opens the session the run needs (unless one is open) and asks; a missing model makes it wait. */
  private async open(active: ActiveRun, options: StartOptions): Promise<StartResult> {
    active.waitingForModel = false;
    if (!this.session) {
      this.sessionStale = false;
      let opened: ExplorerSession | 'modelNeeded' | undefined;
      try {
        const opening = this.options.openSession(this.restored?.cwd ?? active.request.cwd, this.restored?.messages ?? []);
        // Stop ends the question at once, however long the model takes to load or a server to answer.
        opened = await Promise.race([opening, whenAborted(active.abort.signal).then(() => undefined)]);
        if (opened === undefined) opening.catch(() => undefined);
      } catch (error) {
        const message = errorMessage(error);
        this.options.log.error(`Could not start the run: ${message}`);
        this.endRun(active, 'error', message);
        this.settle(active);
        return 'failed';
      }
      if (opened === undefined || active.abort.signal.aborted) {
        this.endRun(active, 'cancelled');
        this.settle(active);
        return 'failed';
      }
      if (opened === 'modelNeeded') {
        if (options.noModelError === undefined) {
          active.waitingForModel = true;
        } else {
          this.endRun(active, 'error', options.noModelError);
          this.settle(active);
        }
        return 'modelNeeded';
      }
      this.session = opened;
      this.restored = undefined;
    }
    this.ask(active, this.session);
    return 'started';
  }

  private ask(active: ActiveRun, session: ExplorerSession): void {
    const { request, record } = active;
    // Every run works where its scope is, a follow-up too (the conversation goes on): Explain
    // This Folder after a question about the workspace works in that folder.
    session
      .ask(request.task, {
        signal: active.abort.signal,
        maxTurns: this.options.maxTurnsFor(request.thoroughness),
        cwd: request.cwd,
        searchesAllRoots: request.scope.kind === 'workspace',
        runId: record.runId,
        onEvent: (event) => this.record(active, event),
      })
      .then(
        (outcome) => {
          this.options.log.info(`Run ${outcome.runId} ended: ${outcome.reason}${outcome.error ? ` (${outcome.error})` : ''}`);
          return undefined;
        },
        (error: unknown) => {
          const message = errorMessage(error);
          this.options.log.error(`The run failed: ${message}`);
          return message;
        },
      )
      .then((failure) => {
        // The agent ends its runs itself; one that broke off is ended here, so that the view says so.
        this.endRun(active, 'error', failure ?? 'The run ended without a report.');
        this.settle(active, session);
      });
  }

  /** Ends the run with its root's `run/finished` unless it has one: it never started, or it broke off. */
  private endRun(active: ActiveRun, reason: RunFinishReason, error?: string): void {
    const { record } = active;
    if (rootFinish(record)) return;
    const root = record.events.filter((event) => event.runId === record.runId);
    const started = root.find((event) => event.type === 'run/started');
    this.record(active, {
      type: 'run/finished',
      runId: record.runId,
      seq: (record.events.at(-1)?.seq ?? -1) + 1,
      reason,
      ...(error === undefined ? {} : { error }),
      turns: root.filter((event) => event.type === 'turn/started').length,
      toolCalls: record.events.filter((event) => event.type === 'tool/call').length,
      durationMs: Date.now() - (started?.type === 'run/started' ? started.startedAt : record.createdAt),
    });
  }

  /** After the run's end: the next question may start, and history keeps the run (and the conversation `session` holds now). */
  private settle(active: ActiveRun, session?: ExplorerSession): void {
    this.release(active);
    if (this.closing) return;
    const { record } = active;
    this.saveHistory(() => this.options.history.finish(record));
    if (session) {
      const conversation: SavedConversation = { sessionId: record.sessionId, cwd: session.cwd, messages: [...session.conversation] };
      this.saveHistory(() => this.options.history.saveConversation(conversation));
    }
    this.emit({ type: 'run/ended', runId: record.runId, reason: rootFinish(record)?.reason ?? 'error' });
  }

  private replaceSession(): void {
    this.session?.reset();
    this.session = undefined;
    this.restored = undefined;
    this.saveHistory(() => this.options.history.forgetConversation());
    this.records = [];
    this.liveSessionId = randomUUID();
    this.emit({ type: 'session/changed', sessionId: this.liveSessionId });
  }

  private record(active: ActiveRun, event: AgentEvent): void {
    // A run cut off by the window closing keeps what it had: it is interrupted, not stopped.
    if (this.closing) return;
    const { record } = active;
    record.events.push(event);
    active.lastEventAt = Date.now();
    // Saved after each turn too, so that a window reload mid-run keeps what it found.
    if (event.type === 'usage' && event.runId === record.runId) this.saveProgress(active);
    this.emit({ type: 'run/event', runId: record.runId, sessionId: record.sessionId, event });
  }

  /** Saves the run as it stands, with the time of its latest event. */
  private saveProgress(active: ActiveRun): void {
    const sofar: RunRecord = { ...active.record, events: [...active.record.events], updatedAt: active.lastEventAt };
    this.saveHistory(() => this.options.history.begin(sofar));
  }

  private release(active: ActiveRun): void {
    if (this.active === active) {
      this.active = undefined;
      this.emit({ type: 'running', running: false });
    }
    active.markDone();
  }

  private saveHistory(write: () => Promise<void>): void {
    this.historyWrites = this.historyWrites.then(write).catch((error: unknown) => {
      this.options.log.error(`Could not save the run history: ${errorMessage(error)}`);
    });
  }

  private emit(event: ControllerEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        this.options.log.error(`A listener failed: ${errorMessage(error)}`);
      }
    }
  }
}

/** The root's `run/finished` event, once the run has ended. */
function rootFinish(record: RunRecord): Extract<AgentEvent, { type: 'run/finished' }> | undefined {
  const finished = record.events.findLast((event) => event.type === 'run/finished' && event.runId === record.runId);
  return finished?.type === 'run/finished' ? finished : undefined;
}
