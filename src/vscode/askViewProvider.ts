import * as vscode from 'vscode';
import { AskViewModel } from '../app/askViewModel';
import type { HistoryStore } from '../app/historyStore';
import type { RunController, RunRequest, StartResult } from '../app/runController';
import { errorMessage } from '../protocol/errorMessage';
import { HostToWebview, Thoroughness, WebviewToHost, type Scope } from '../protocol/webview';
import { handleViewMessage, viewMessageHandlers, type ViewMessageHandlers } from './askViewMessages';
import type { ModelManager } from './modelManager';
import { webviewHtml } from './webviewHtml';
import { workspaceRoots } from './workspaceRoots';

const THOROUGHNESS_KEY = 'locooperator.thoroughness';
/** How long after a view is first opened its focus is given again once it is ready (see reveal). */
const REFOCUS_WITHIN_MS = 10_000;

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
 * The Ask LocoOperator view's adapter: the webview's lifecycle, its HTML, and the validated
 * messages both ways. What the view shows lives in the editor-free AskViewModel; each message from
 * the view goes to its handler in askViewMessages.ts. Streaming is fire-and-forget: a hidden or
 * reloading webview drops messages, so it is rebuilt from a `state/snapshot` when it says it is
 * ready and whenever it becomes visible.
 */
export class AskViewProvider implements vscode.WebviewViewProvider, vscode.Disposable {
  static readonly viewType = 'locooperator.askView';

  readonly model: AskViewModel;
  private view?: vscode.WebviewView;
  private ready = false;
  /** What waits for the view to say it is ready (a view revealed for the first time is still loading). */
  private readonly readyWaiters = new Set<() => void>();
  private readonly handlers: ViewMessageHandlers;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly deps: AskViewDependencies) {
    this.model = new AskViewModel({
      controller: deps.controller,
      history: deps.history,
      modelStatus: () => deps.models.status,
      roots: workspaceRoots,
      trusted: () => vscode.workspace.isTrusted,
      thoroughness: {
        load: () => {
          const stored = Thoroughness.safeParse(deps.workspaceState.get(THOROUGHNESS_KEY));
          return stored.success ? stored.data : undefined;
        },
        save: async (value) => deps.workspaceState.update(THOROUGHNESS_KEY, value),
      },
      post: (message) => this.post(message),
    });
    this.handlers = viewMessageHandlers({
      model: this.model,
      controller: deps.controller,
      history: deps.history,
      log: deps.log,
      cancelDownload: deps.cancelDownload,
      warmModel: () => deps.models.warm('typing'),
      viewReady: () => this.onViewReady(),
      startRun: (request) => this.startRun(request),
      newSession: () => this.newSession(),
      notify: (level, message) => this.notify(level, message),
    });
    this.disposables.push(
      { dispose: deps.controller.onEvent((event) => this.model.onControllerEvent(event)).dispose },
      deps.models.onDidChangeStatus((status) => this.post({ type: 'model/status', status })),
    );
  }

  get currentThoroughness(): Thoroughness {
    return this.model.thoroughness;
  }

  get currentScope(): Scope {
    return this.model.scope;
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
        this.onMessage(message).catch((error: unknown) => this.deps.log.error(`Handling a view message failed: ${errorMessage(error)}`));
      }),
      view.onDidChangeVisibility(() => {
        if (view.visible) {
          this.ready = true;
          this.model.postSnapshot();
          this.deps.models.warm('viewOpened');
        }
      }),
    ];
    if (view.visible) this.deps.models.warm('viewOpened');
    view.onDidDispose(() => {
      for (const subscription of subscriptions) subscription.dispose();
      if (this.view === view) {
        this.view = undefined;
        this.ready = false;
      }
    });
  }

  /**
   * Opens and focuses the view. Opened for the first time, the view has no webview yet when VS
   * Code focuses it (this host creates it, late on a busy machine), and VS Code does not focus it
   * again: the focus stays where it was. So it is given once more when the view says it is ready,
   * if that comes soon enough that the user is still waiting for it. The caller does not wait for
   * that: a run it starts shows in the view as soon as the view is ready anyway.
   */
  async reveal(): Promise<void> {
    const focus = () => vscode.commands.executeCommand(`${AskViewProvider.viewType}.focus`);
    const ready = this.view === undefined ? this.nextReady(REFOCUS_WITHIN_MS) : undefined;
    await focus();
    ready
      ?.then(async (isReady) => {
        if (isReady) await focus();
      })
      .catch((error: unknown) => this.deps.log.warn(`Focusing the Ask view once it was ready failed: ${errorMessage(error)}`));
  }

  /** True when the view says it is ready within this time. */
  private nextReady(withinMs: number): Promise<boolean> {
    return new Promise((resolve) => {
      const onReady = () => {
        clearTimeout(timer);
        resolve(true);
      };
      const timer = setTimeout(() => {
        this.readyWaiters.delete(onReady);
        resolve(false);
      }, withinMs);
      this.readyWaiters.add(onReady);
    });
  }

  setScope(scope: Scope): void {
    this.model.setScope(scope);
  }

  focusInput(): void {
    if (this.view && this.ready) this.post({ type: 'ui/focusInput' });
    else this.readyWaiters.add(() => this.post({ type: 'ui/focusInput' }));
  }

  /** Starts a run from a command or the view: the view shows it at once, waiting for a model, failed, or running. */
  startRun(request: RunRequest): Promise<StartResult> {
    return this.deps.controller.start(request);
  }

  /** Stops what runs and starts a fresh conversation about the whole workspace. */
  async newSession(): Promise<void> {
    await this.deps.controller.newSession();
    this.model.startOver();
  }

  notify(level: 'info' | 'warning' | 'error', message: string): void {
    this.post({ type: 'ui/notice', level, message });
  }

  dispose(): void {
    for (const disposable of this.disposables) disposable.dispose();
  }

  private onViewReady(): void {
    this.ready = true;
    this.model.postSnapshot();
    for (const waiter of this.readyWaiters) waiter();
    this.readyWaiters.clear();
  }

  private async onMessage(raw: unknown): Promise<void> {
    const parsed = WebviewToHost.safeParse(raw);
    if (!parsed.success) {
      this.deps.log.warn(`Dropped an invalid message from the view: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
      return;
    }
    await handleViewMessage(this.handlers, parsed.data);
  }

  private post(message: HostToWebview): void {
    const view = this.view;
    if (!view || !this.ready) return;
    const checked = HostToWebview.safeParse(message);
    if (!checked.success) {
      this.deps.log.error(`Not sending an invalid ${message.type} message to the view: ${checked.error.issues[0]?.message ?? 'invalid'}`);
      return;
    }
    view.webview.postMessage(checked.data).then(undefined, (error: unknown) => this.deps.log.warn(`Posting to the view failed: ${errorMessage(error)}`));
  }
}
