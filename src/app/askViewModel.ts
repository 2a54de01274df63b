import { referenceKey, type FileReference } from '../protocol/fileReference';
import type { HostToWebview, ModelStatus, ResolvedLink, ResolvedLinks, RunRecord, Scope, Thoroughness, ViewState } from '../protocol/webview';
import { rootLabels } from '../tools/support/rootLabels';
import { resolveReferences } from './fileReferences';
import { compactEvents, type HistoryStore } from './historyStore';
import type { ControllerEvent, RunController } from './runController';

/** How many verified references the view keeps (a long session must not grow without bound). */
const MAX_CACHED_LINKS = 5000;

export interface AskViewModelDependencies {
  controller: RunController;
  history: HistoryStore;
  modelStatus(): ModelStatus;
  roots(): string[];
  /** Whether the workspace is trusted; while it is not, the view says what that limits. */
  trusted(): boolean;
  /** The thoroughness the user last chose, kept across windows. */
  thoroughness: { load(): Thoroughness | undefined; save(value: Thoroughness): Promise<void> };
  /** Sends a message to the view; the adapter drops it while no view is ready. */
  post(message: HostToWebview): void;
}

/**
 * What the Ask view shows, kept apart from the editor: the scope and thoroughness of the next
 * question, a past session opened from history (or the live one), and the references already
 * verified. The view is a replica rebuilt from `snapshot()`; the controller's events reach it as
 * messages.
 */
export class AskViewModel {
  /** A past session opened from history; undefined while the live session is shown. */
  private shown?: { sessionId: string; runs: RunRecord[] };
  private readonly links = new Map<string, ResolvedLink>();
  private scopeValue: Scope = { kind: 'workspace' };
  private thoroughnessValue: Thoroughness;

  constructor(private readonly deps: AskViewModelDependencies) {
    this.thoroughnessValue = deps.thoroughness.load() ?? 'medium';
  }

  get scope(): Scope {
    return this.scopeValue;
  }

  get thoroughness(): Thoroughness {
    return this.thoroughnessValue;
  }

  get showsPastSession(): boolean {
    return this.shown !== undefined;
  }

  setScope(scope: Scope): void {
    this.scopeValue = scope;
    this.deps.post({ type: 'scope/set', scope });
  }

  /** The scope and thoroughness of a question the view asked. */
  noteQuestion(scope: Scope, thoroughness: Thoroughness): void {
    this.scopeValue = scope;
    this.thoroughnessValue = thoroughness;
  }

  async setThoroughness(thoroughness: Thoroughness): Promise<void> {
    this.thoroughnessValue = thoroughness;
    await this.deps.thoroughness.save(thoroughness);
  }

  /** After New Session: the whole workspace, the live (empty) session. */
  startOver(): void {
    this.scopeValue = { kind: 'workspace' };
    this.showLiveSession();
  }

  /** The workspace's folders changed: earlier verdicts may no longer hold, and labels name the roots. */
  rootsChanged(): void {
    this.links.clear();
    this.postSnapshot();
  }

  /** Shows the live session again (after New Session, or when a run starts). */
  showLiveSession(): void {
    this.shown = undefined;
    this.postSnapshot();
  }

  showPastSession(sessionId: string, runs: RunRecord[]): void {
    this.shown = { sessionId, runs };
    this.postSnapshot();
  }

  async deleteHistoryEntry(runId: string): Promise<void> {
    await this.deps.history.delete(runId);
    if (this.shown) {
      this.shown.runs = this.shown.runs.filter((run) => run.runId !== runId);
      if (this.shown.runs.length === 0) this.shown = undefined;
      this.postSnapshot();
    } else {
      this.deps.post({ type: 'history/list', entries: this.deps.history.list() });
    }
  }

  /**
   * Verifies the references the view found in reports: relative to the folder each was written
   * in (its run's), else to the folders the shown runs worked in. The answers are keyed by
   * `referenceKey`, so that the same text from runs in two folders gets an answer for each.
   */
  async verifyLinks(refs: readonly FileReference[]): Promise<void> {
    const byBase = new Map<string | undefined, FileReference[]>();
    for (const ref of refs) {
      const group = byBase.get(ref.base);
      if (group) group.push(ref);
      else byBase.set(ref.base, [ref]);
    }
    const links: ResolvedLinks = {};
    for (const [base, group] of byBase) {
      const resolved = await resolveReferences(group, { roots: this.deps.roots(), bases: base === undefined ? this.runFolders() : [base] });
      for (const ref of group) {
        const link = resolved[ref.text];
        if (link) links[referenceKey(ref)] = link;
      }
    }
    for (const [key, link] of Object.entries(links)) this.links.set(key, link);
    while (this.links.size > MAX_CACHED_LINKS) this.links.delete(this.links.keys().next().value!);
    this.deps.post({ type: 'links/resolved', links });
  }

  /** The runs on screen: the past session's, or the live session's. */
  displayedRuns(): readonly RunRecord[] {
    return this.shown?.runs ?? this.deps.controller.runs;
  }

  onControllerEvent(event: ControllerEvent): void {
    switch (event.type) {
      case 'run/created':
        if (this.shown) this.showLiveSession();
        else this.deps.post({ type: 'run/created', run: event.run });
        return;
      case 'run/event':
        if (!this.shown) this.deps.post({ type: 'run/event', runId: event.runId, sessionId: event.sessionId, event: event.event });
        return;
      case 'run/ended':
        this.deps.post({ type: 'history/list', entries: this.deps.history.list() });
        return;
      case 'session/changed':
        this.links.clear();
        if (!this.shown) this.postSnapshot();
        return;
      case 'notice':
        this.deps.post({ type: 'ui/notice', level: event.level, message: event.message });
        return;
      case 'running':
        return;
    }
  }

  snapshot(): ViewState {
    const { controller } = this.deps;
    const activeRunId = this.shown ? undefined : controller.activeRunId;
    return {
      sessionId: this.shown?.sessionId ?? controller.sessionId,
      roots: [...rootLabels(this.deps.roots())].map(([root, label]) => ({ path: root, label })),
      runs: this.displayedRuns().map((run) => ({ ...run, events: compactEvents(run.events) })),
      ...(activeRunId ? { activeRunId } : {}),
      history: this.deps.history.list().map((entry) =>
        entry.reason === undefined && entry.runId !== controller.activeRunId ? { ...entry, interrupted: true } : entry,
      ),
      model: this.deps.modelStatus(),
      scope: this.scopeValue,
      thoroughness: this.thoroughnessValue,
      links: Object.fromEntries(this.links),
      ...(this.shown ? { pastSession: true } : {}),
      ...(this.deps.trusted() ? {} : { untrusted: true }),
    };
  }

  postSnapshot(): void {
    this.deps.post({ type: 'state/snapshot', state: this.snapshot() });
  }

  /**
   * The working folders of the shown runs, the latest run's first: relative references in them
   * are relative to these, and the view asks about a reference without saying which run shows it,
   * so the run most likely on screen decides a reference that several folders hold.
   */
  private runFolders(): string[] {
    const folders = this.displayedRuns().flatMap((run) => run.events.flatMap((event) => (event.type === 'run/started' ? [event.cwd] : [])));
    return [...new Set(folders.reverse())];
  }
}
