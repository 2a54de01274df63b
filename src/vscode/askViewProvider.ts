import path from 'node:path';
import * as vscode from 'vscode';
import {
  HostToWebview,
  Thoroughness,
  WebviewToHost,
  type ResolvedLink,
  type RunRecord,
  type Scope,
  type ViewState,
} from '../protocol/webview';
import { resolveOpenTarget, resolveReferences } from './fileReferences';
import { compactEvents, type HistoryStore } from './historyStore';
import type { ModelManager } from './modelManager';
import type { ControllerEvent, RunController, RunRequest, StartResult } from './runController';
import { isScopeConfined, questionRequest, type SelectionInput } from './runRequests';
import { webviewHtml } from './webviewHtml';
import { workspaceRoots } from './workspaceRoots';

/** How many verified references the view keeps (a long session must not grow without bound). */
const MAX_CACHED_LINKS = 5000;
const THOROUGHNESS_KEY = 'locooperator.thoroughness';

/** The view's model panel above it already offers the download or a file. */
export const MODEL_NEEDED_NOTICE = 'Your question is kept: it runs as soon as the model is ready.';

export interface AskViewDependencies {
  extensionUri: vscode.Uri;
  controller: RunController;
  history: HistoryStore;
  models: ModelManager;
  log: vscode.LogOutputChannel;
  workspaceState: vscode.Memento;
  cancelDownload(): void;
}

/**
 * The Ask LocoOperator view: hosts the React app and speaks the webview protocol. Every message
 * from the webview is validated and treated as untrusted (paths are re-checked against the
 * workspace); every message to it is validated too. Streaming is fire-and-forget: a hidden or
 * reloading webview drops messages, so it is rebuilt from a `state/snapshot` when it says it is
 * ready and whenever it becomes visible.
 */
export class AskViewProvider implements vscode.WebviewViewProvider, vscode.Disposable {
  static readonly viewType = 'locooperator.askView';

  private view?: vscode.WebviewView;
  private ready = false;
  /** Focus asked for before the view was ready (a view revealed for the first time is still loading). */
  private focusWhenReady = false;
  /** A past session opened from history; undefined while the live session is shown. */
  private shown?: { sessionId: string; runs: RunRecord[] };
  private readonly links = new Map<string, ResolvedLink>();
  private scope: Scope = { kind: 'workspace' };
  private thoroughness: Thoroughness;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly deps: AskViewDependencies) {
    const stored = Thoroughness.safeParse(deps.workspaceState.get(THOROUGHNESS_KEY));
    this.thoroughness = stored.success ? stored.data : 'medium';
    this.disposables.push(
      { dispose: deps.controller.onEvent((event) => this.onControllerEvent(event)).dispose },
      deps.models.onDidChangeStatus((status) => this.post({ type: 'model/status', status })),
    );
  }

  get currentThoroughness(): Thoroughness {
    return this.thoroughness;
  }

  get currentScope(): Scope {
    return this.scope;
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    this.ready = false;
    const dist = vscode.Uri.joinPath(this.deps.extensionUri, 'dist');
    const media = vscode.Uri.joinPath(this.deps.extensionUri, 'media');
    view.webview.options = { enableScripts: true, enableCommandUris: false, localResourceRoots: [dist, media] };
    view.webview.html = webviewHtml({
      cspSource: view.webview.cspSource,
      scriptUri: view.webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview.js')).toString(),
      styleUri: view.webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview.css')).toString(),
    });
    const subscriptions = [
      view.webview.onDidReceiveMessage((message: unknown) => {
        this.onMessage(message).catch((error: unknown) => this.deps.log.error(`Handling a view message failed: ${describe(error)}`));
      }),
      view.onDidChangeVisibility(() => {
        if (view.visible) {
          this.ready = true;
          this.postSnapshot();
        }
      }),
    ];
    view.onDidDispose(() => {
      for (const subscription of subscriptions) subscription.dispose();
      if (this.view === view) {
        this.view = undefined;
        this.ready = false;
      }
    });
  }

  /** Opens (and focuses) the view. */
  async reveal(): Promise<void> {
    await vscode.commands.executeCommand(`${AskViewProvider.viewType}.focus`);
  }

  setScope(scope: Scope): void {
    this.scope = scope;
    this.post({ type: 'scope/set', scope });
  }

  focusInput(): void {
    if (this.view && this.ready) this.post({ type: 'ui/focusInput' });
    else this.focusWhenReady = true;
  }

  /** Starts a run from a command or the view; a refusal or a missing model is said in the view. */
  async startRun(request: RunRequest): Promise<StartResult> {
    const result = await this.deps.controller.start(request);
    if (result === 'modelNeeded') this.post({ type: 'ui/notice', level: 'info', message: MODEL_NEEDED_NOTICE });
    return result;
  }

  /** Stops what runs and starts a fresh conversation about the whole workspace. */
  async newSession(): Promise<void> {
    await this.deps.controller.newSession();
    this.scope = { kind: 'workspace' };
    this.showLiveSession();
  }

  /** Shows the live session again (after New Session, or when a run starts). */
  showLiveSession(): void {
    this.shown = undefined;
    this.postSnapshot();
  }

  notify(level: 'info' | 'warning' | 'error', message: string): void {
    this.post({ type: 'ui/notice', level, message });
  }

  dispose(): void {
    for (const disposable of this.disposables) disposable.dispose();
  }

  private onControllerEvent(event: ControllerEvent): void {
    switch (event.type) {
      case 'run/created':
        if (this.shown) this.showLiveSession();
        else this.post({ type: 'run/created', run: event.run });
        return;
      case 'run/event':
        if (event.event.type === 'usage') this.deps.models.noteUsage(event.event);
        if (!this.shown) this.post({ type: 'run/event', runId: event.runId, sessionId: event.sessionId, event: event.event });
        return;
      case 'run/ended':
        this.post({ type: 'history/list', entries: this.deps.history.list() });
        return;
      case 'session/changed':
        this.links.clear();
        if (!this.shown) this.postSnapshot();
        return;
      case 'notice':
        this.post({ type: 'ui/notice', level: event.level, message: event.message });
        return;
      case 'running':
        return;
    }
  }

  private async onMessage(raw: unknown): Promise<void> {
    const parsed = WebviewToHost.safeParse(raw);
    if (!parsed.success) {
      this.deps.log.warn(`Dropped an invalid message from the view: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
      return;
    }
    const message = parsed.data;
    switch (message.type) {
      case 'webview/ready':
        this.ready = true;
        this.postSnapshot();
        if (this.focusWhenReady) {
          this.focusWhenReady = false;
          this.post({ type: 'ui/focusInput' });
        }
        return;
      case 'run/start':
        return this.askFromView(message.question, message.scope, message.thoroughness);
      case 'run/stop':
        this.deps.controller.stop();
        return;
      case 'session/new':
        return this.newSession();
      case 'session/showCurrent':
        this.showLiveSession();
        return;
      case 'file/open':
        return this.openFile(message.path, message.line, message.endLine);
      case 'links/verify': {
        const links = await resolveReferences(message.refs, { roots: workspaceRoots(), bases: this.runFolders() });
        for (const [text, link] of Object.entries(links)) this.links.set(text, link);
        while (this.links.size > MAX_CACHED_LINKS) this.links.delete(this.links.keys().next().value!);
        this.post({ type: 'links/resolved', links });
        return;
      }
      case 'report/copy':
      case 'report/save':
      case 'report/openInEditor':
        return this.reportAction(message.type, message.runId);
      case 'history/open':
        return this.openHistory(message.runId);
      case 'history/delete':
        await this.deps.history.delete(message.runId);
        if (this.shown) {
          this.shown.runs = this.shown.runs.filter((run) => run.runId !== message.runId);
          if (this.shown.runs.length === 0) this.shown = undefined;
          this.postSnapshot();
        } else {
          this.post({ type: 'history/list', entries: this.deps.history.list() });
        }
        return;
      case 'model/download':
        await vscode.commands.executeCommand('locooperator.downloadModel');
        return;
      case 'model/cancelDownload':
        this.deps.cancelDownload();
        return;
      case 'model/selectFile':
        await vscode.commands.executeCommand('locooperator.selectModelFile');
        return;
      case 'log/show':
        this.deps.log.show();
        return;
      case 'settings/open':
        await vscode.commands.executeCommand('workbench.action.openSettings', '@ext:locoremind.locooperator');
        return;
      case 'scope/clear':
        this.setScope({ kind: 'workspace' });
        return;
      case 'thoroughness/set':
        this.thoroughness = message.thoroughness;
        await this.deps.workspaceState.update(THOROUGHNESS_KEY, message.thoroughness);
        return;
    }
  }

  private async askFromView(question: string, requestedScope: Scope, thoroughness: Thoroughness): Promise<void> {
    const roots = workspaceRoots();
    if (roots.length === 0) {
      this.notify('warning', 'Open a folder first: LocoOperator answers questions about the folders of the workspace.');
      return;
    }
    let scope = requestedScope;
    if (!(await isScopeConfined(scope, roots))) {
      this.deps.log.warn(`The view asked about a place outside the workspace; asking about the whole workspace instead.`);
      scope = { kind: 'workspace' };
    }
    this.scope = scope;
    this.thoroughness = thoroughness;
    const selection = scope.kind === 'selection' ? await readSelection(scope.path, scope.startLine, scope.endLine) : undefined;
    await this.startRun(questionRequest(question, scope, roots, thoroughness, selection));
  }

  private async openFile(requested: string, line?: number, endLine?: number): Promise<void> {
    const target = await resolveOpenTarget(requested, workspaceRoots());
    if (!target) {
      this.deps.log.warn(`Refused to open a file outside the workspace: ${requested}`);
      this.notify('warning', 'That file is not inside the workspace, so it was not opened.');
      return;
    }
    const document = await vscode.workspace.openTextDocument(vscode.Uri.file(target));
    const options: vscode.TextDocumentShowOptions = { preview: true };
    if (line !== undefined) {
      const last = document.lineCount - 1;
      const start = Math.min(line - 1, last);
      const end = Math.max(start, Math.min((endLine ?? line) - 1, last));
      options.selection = new vscode.Range(start, 0, end, document.lineAt(end).range.end.character);
    }
    const editor = await vscode.window.showTextDocument(document, options);
    if (options.selection) editor.revealRange(options.selection, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  }

  private async reportAction(action: 'report/copy' | 'report/save' | 'report/openInEditor', runId: string): Promise<void> {
    const run = this.displayedRuns().find((record) => record.runId === runId);
    const finished = run?.events.findLast((event) => event.type === 'run/finished' && event.runId === runId);
    const report = finished?.type === 'run/finished' ? finished.report : undefined;
    if (!run || !report) {
      this.notify('warning', 'That run has no report.');
      return;
    }
    const markdown = `# ${run.question}\n\n${report}\n`;
    if (action === 'report/copy') {
      await vscode.env.clipboard.writeText(markdown);
      vscode.window.setStatusBarMessage('$(check) LocoOperator report copied', 3000);
    } else if (action === 'report/openInEditor') {
      const document = await vscode.workspace.openTextDocument({ language: 'markdown', content: markdown });
      await vscode.window.showTextDocument(document, { preview: false });
    } else {
      const folder = workspaceRoots()[0];
      const name = `${slug(run.question) || 'report'}.md`;
      const target = await vscode.window.showSaveDialog({
        title: 'Save LocoOperator Report',
        filters: { Markdown: ['md'] },
        ...(folder ? { defaultUri: vscode.Uri.file(path.join(folder, name)) } : {}),
      });
      if (!target) return;
      await vscode.workspace.fs.writeFile(target, Buffer.from(markdown, 'utf8'));
      this.deps.log.info(`Report saved to ${target.fsPath}`);
    }
  }

  private async openHistory(runId: string): Promise<void> {
    const entry = this.deps.history.list().find((known) => known.runId === runId);
    if (!entry) {
      this.notify('warning', 'That run is no longer in the history.');
      return;
    }
    if (entry.sessionId === this.deps.controller.sessionId) {
      this.showLiveSession();
      return;
    }
    const runs = await this.deps.history.loadSession(entry.sessionId);
    if (runs.length === 0) {
      this.notify('warning', 'The trace of that run could not be read.');
      return;
    }
    this.shown = { sessionId: entry.sessionId, runs };
    this.postSnapshot();
  }

  private displayedRuns(): readonly RunRecord[] {
    return this.shown?.runs ?? this.deps.controller.runs;
  }

  /** The working folders of the shown runs: relative references in them are relative to these. */
  private runFolders(): string[] {
    const folders = this.displayedRuns().flatMap((run) => run.events.flatMap((event) => (event.type === 'run/started' ? [event.cwd] : [])));
    return [...new Set(folders)];
  }

  private snapshot(): ViewState {
    const { controller } = this.deps;
    const activeRunId = this.shown ? undefined : controller.activeRunId;
    return {
      sessionId: this.shown?.sessionId ?? controller.sessionId,
      roots: workspaceRoots(),
      runs: this.displayedRuns().map((run) => ({ ...run, events: compactEvents(run.events) })),
      ...(activeRunId ? { activeRunId } : {}),
      history: this.deps.history.list(),
      model: this.deps.models.status,
      scope: this.scope,
      thoroughness: this.thoroughness,
      links: Object.fromEntries(this.links),
      ...(this.shown ? { pastSession: true } : {}),
    };
  }

  private postSnapshot(): void {
    this.post({ type: 'state/snapshot', state: this.snapshot() });
  }

  private post(message: HostToWebview): void {
    const view = this.view;
    if (!view || !this.ready) return;
    const checked = HostToWebview.safeParse(message);
    if (!checked.success) {
      this.deps.log.error(`Not sending an invalid ${message.type} message to the view: ${checked.error.issues[0]?.message ?? 'invalid'}`);
      return;
    }
    view.webview.postMessage(checked.data).then(undefined, (error: unknown) => this.deps.log.warn(`Posting to the view failed: ${describe(error)}`));
  }
}

/** The selected lines as they are now on disk (the view sends only where the selection is). */
async function readSelection(file: string, startLine: number, endLine: number): Promise<SelectionInput | undefined> {
  try {
    const document = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
    const last = document.lineCount - 1;
    const end = Math.min(endLine - 1, last);
    const range = new vscode.Range(Math.min(startLine - 1, last), 0, end, document.lineAt(end).range.end.character);
    return { file, startLine, endLine, text: document.getText(range) };
  } catch {
    return undefined;
  }
}

function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
