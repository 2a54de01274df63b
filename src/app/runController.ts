import { randomUUID } from 'node:crypto';
import type { AgentEvent, RunFinishReason } from '../protocol/agentEvent';
import type { ConversationMessage } from '../protocol/conversation';
import type { RunHeader, RunRecord, Scope, Thoroughness } from '../protocol/webview';
import type { HistoryStore, SavedSession } from './historyStore';
import { errorMessage } from '../protocol/errorMessage';

/**
 * Runs the user's questions through the agent, one at a time per session, and keeps the live
 * session's runs (every event) so that the view can be rebuilt from a snapshot at any moment.
 * Free of `vscode`: the extension wires it to the model, the view and the status bar.
 */

/** What the controller needs from the agent's session (AgentSession implements it). */
export interface ExplorerSession {
  /** Asks in `cwd`; a search without a path covers every root when `searchesAllRoots`. */
  ask(
    task: string,
    options: { signal: AbortSignal; onEvent: (event: AgentEvent) => void; maxTurns?: number; cwd: string; searchesAllRoots: boolean },
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

export type StartResult = 'started' | 'busy' | 'modelNeeded' | 'failed';

export type ControllerEvent =
  | { type: 'run/created'; run: RunHeader }
  | { type: 'run/event'; runId: string; sessionId: string; event: AgentEvent }
  | { type: 'run/ended'; runId: string; reason: RunFinishReason }
  /** The live session was replaced (New Session, or a new model). */
  | { type: 'session/changed'; sessionId: string }
  | { type: 'notice'; level: 'info' | 'warning' | 'error'; message: string }
  /** A question started (the model may still be loading) or ended. */
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
  record?: RunRecord;
  /** Settles when the run has ended (or never started). */
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
  private pending?: RunRequest;
  /** Set when the engine changed: the next question starts a new session on the new model. */
  private sessionStale = false;
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
    return this.active?.record?.runId;
  }

  get isRunning(): boolean {
    return this.active !== undefined;
  }

  /** The question waiting for a model (asked before one was downloaded or selected). */
  get pendingRequest(): RunRequest | undefined {
    return this.pending;
  }

  onEvent(listener: (event: ControllerEvent) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /** Starts a run unless one is going; resolves once it has started (not when it ends). */
  async start(request: RunRequest): Promise<StartResult> {
    if (this.active) {
      this.emit({ type: 'notice', level: 'warning', message: BUSY_MESSAGE });
      return 'busy';
    }
    const abort = new AbortController();
    let markDone!: () => void;
    const done = new Promise<void>((resolve) => (markDone = resolve));
    const active: ActiveRun = { abort, done, markDone };
    this.active = active;
    this.emit({ type: 'running', running: true });
    try {
      if (this.session && this.sessionStale) this.replaceSession();
      this.sessionStale = false;
      if (!this.session) {
        const cwd = this.restored?.cwd ?? request.cwd;
        const opened = await this.options.openSession(cwd, this.restored?.messages ?? []);
        if (abort.signal.aborted) return this.release(active, 'failed');
        if (opened === 'modelNeeded') {
          this.pending = request;
          return this.release(active, 'modelNeeded');
        }
        this.session = opened;
        this.restored = undefined;
      }
    } catch (error) {
      const message = errorMessage(error);
      this.options.log.error(`Could not start the run: ${message}`);
      this.emit({ type: 'notice', level: 'error', message });
      return this.release(active, 'failed');
    }
    this.pending = undefined;
    const sessionId = this.liveSessionId;
    const session = this.session;
    this.options.log.info(`Run started in ${request.cwd}: ${request.question.slice(0, 200)}`);
    // Every run works where its scope is, a follow-up too (the conversation goes on): Explain
    // This Folder after a question about the workspace works in that folder.
    session
      .ask(request.task, {
        signal: abort.signal,
        maxTurns: this.options.maxTurnsFor(request.thoroughness),
        cwd: request.cwd,
        searchesAllRoots: request.scope.kind === 'workspace',
        onEvent: (event) => this.record(active, request, sessionId, event),
      })
      .catch((error: unknown) => {
        const message = errorMessage(error);
        this.options.log.error(`The run failed: ${message}`);
        this.emit({ type: 'notice', level: 'error', message: `The run failed: ${message}` });
        return undefined;
      })
      .then((outcome) => {
        if (outcome) this.options.log.info(`Run ${outcome.runId} ended: ${outcome.reason}${outcome.error ? ` (${outcome.error})` : ''}`);
        this.release(active, 'started');
        const record = active.record;
        if (record) {
          this.saveHistory(() => this.options.history.finish(record));
          const messages = [...session.conversation];
          const cwd = session.cwd;
          this.saveHistory(() => this.options.history.saveConversation({ sessionId, cwd, messages }));
          this.emit({ type: 'run/ended', runId: record.runId, reason: outcome?.reason ?? 'error' });
        }
      });
    return 'started';
  }

  /** Runs the question that waited for a model, if there is one. */
  async resumePending(): Promise<StartResult | undefined> {
    const request = this.pending;
    if (!request || this.active) return undefined;
    return this.start(request);
  }

  /** Forgets the question waiting for a model if it is `request`: its asker (another agent) cannot wait for a download. */
  dropPending(request: RunRequest): void {
    if (this.pending === request) this.pending = undefined;
  }

  /** Stops the active run (it ends with reason `cancelled`) and forgets a question waiting for a model. */
  stop(): void {
    this.pending = undefined;
    this.active?.abort.abort();
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

  private replaceSession(): void {
    this.session?.reset();
    this.session = undefined;
    this.restored = undefined;
    this.saveHistory(() => this.options.history.forgetConversation());
    this.records = [];
    this.liveSessionId = randomUUID();
    this.emit({ type: 'session/changed', sessionId: this.liveSessionId });
  }

  private record(active: ActiveRun, request: RunRequest, sessionId: string, event: AgentEvent): void {
    const created = !active.record;
    if (!active.record) {
      // The root run's id is known from its first event, `run/started`.
      const header: RunHeader = {
        runId: event.runId,
        sessionId,
        question: request.question,
        scope: request.scope,
        thoroughness: request.thoroughness,
        createdAt: Date.now(),
      };
      active.record = { ...header, events: [] };
      this.records.push(active.record);
      this.emit({ type: 'run/created', run: header });
    }
    const record = active.record;
    record.events.push(event);
    // Saved when it starts and after each turn, so a window reload mid-run keeps what it found.
    if (created || (event.type === 'usage' && event.runId === record.runId)) {
      const sofar = { ...record, events: [...record.events] };
      this.saveHistory(() => this.options.history.begin(sofar));
    }
    this.emit({ type: 'run/event', runId: record.runId, sessionId, event });
  }

  private release(active: ActiveRun, result: StartResult): StartResult {
    if (this.active === active) {
      this.active = undefined;
      this.emit({ type: 'running', running: false });
    }
    active.markDone();
    return result;
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
