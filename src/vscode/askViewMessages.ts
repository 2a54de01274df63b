import * as vscode from 'vscode';
import type { AskViewModel } from '../app/askViewModel';
import type { HistoryStore } from '../app/historyStore';
import type { RunController, RunRequest } from '../app/runController';
import { isScopeConfined, questionRequest, requestOf } from '../app/runRequests';
import type { WebviewToHost } from '../protocol/webview';
import { openWorkspaceFile, readSelection } from './editorFiles';
import { openSettings } from './openSettings';
import { reportMarkdown, runReportAction, type ReportAction } from './reportActions';
import { isInsideRoots } from '../tools/support/workspacePaths';
import { workspaceRoots } from './workspaceRoots';
import { MANAGE_TRUST_COMMAND } from './workspaceTrust';

type ViewMessage<Type extends WebviewToHost['type']> = Extract<WebviewToHost, { type: Type }>;

/** One handler per message the view sends: the compiler checks that none is missing. */
export type ViewMessageHandlers = { [Type in WebviewToHost['type']]: (message: ViewMessage<Type>) => void | Promise<void> };

export interface ViewMessageContext {
  model: AskViewModel;
  controller: RunController;
  history: HistoryStore;
  log: vscode.LogOutputChannel;
  cancelDownload(): void;
  /** The user started typing a question: the model may start loading now. */
  warmModel(): void;
  /** The view said it is ready for messages (first load or after a reload). */
  viewReady(): void;
  startRun(request: RunRequest): Promise<unknown>;
  newSession(): Promise<void>;
  notify(level: 'info' | 'warning' | 'error', message: string): void;
}

export function viewMessageHandlers(ctx: ViewMessageContext): ViewMessageHandlers {
  const report = (action: ReportAction) => (message: { runId: string }) => reportAction(ctx, action, message.runId);
  return {
    'webview/ready': () => ctx.viewReady(),
    'run/start': (message) => askFromView(ctx, message),
    'run/stop': () => ctx.controller.stop(),
    'run/retry': (message) => retryFromView(ctx, message.runId),
    'session/new': () => ctx.newSession(),
    'session/showCurrent': () => ctx.model.showLiveSession(),
    'file/open': async (message) => {
      if (!(await openWorkspaceFile(message.path, workspaceRoots(), message.line, message.endLine))) {
        ctx.log.warn(`Refused to open a file outside the workspace: ${message.path}`);
        ctx.notify('warning', 'That file is not inside the workspace, so it was not opened.');
      }
    },
    'links/verify': (message) => ctx.model.verifyLinks(message.refs),
    'report/copy': report('copy'),
    'report/save': report('save'),
    'report/openInEditor': report('openInEditor'),
    'history/open': (message) => openHistory(ctx, message.runId),
    'history/delete': (message) => ctx.model.deleteHistoryEntry(message.runId),
    'model/warm': () => ctx.warmModel(),
    'model/download': async () => {
      await vscode.commands.executeCommand('locooperator.downloadModel');
    },
    'model/cancelDownload': () => ctx.cancelDownload(),
    'model/selectFile': async () => {
      await vscode.commands.executeCommand('locooperator.selectModelFile');
    },
    'model/configure': async () => {
      await vscode.commands.executeCommand('locooperator.configureModel');
    },
    'log/show': () => ctx.log.show(),
    'settings/open': () => openSettings(),
    'workspace/manageTrust': async () => {
      await vscode.commands.executeCommand(MANAGE_TRUST_COMMAND);
    },
    'scope/clear': () => ctx.model.setScope({ kind: 'workspace' }),
    'thoroughness/set': (message) => ctx.model.setThoroughness(message.thoroughness),
  };
}

/** Hands a validated message to its handler. */
export function handleViewMessage(handlers: ViewMessageHandlers, message: WebviewToHost): void | Promise<void> {
  return (handlers[message.type] as (message: WebviewToHost) => void | Promise<void>)(message);
}

/**
 * Retry: the same question, scope and thoroughness as a new run of the live session, asking the
 * model what it was asked then; a run saved without that (by an older version), or whose folder
 * left the workspace, is asked again as if typed in the view.
 */
async function retryFromView(ctx: ViewMessageContext, runId: string): Promise<void> {
  const run = ctx.controller.runs.find((record) => record.runId === runId);
  if (!run) {
    ctx.notify('warning', 'That question is not part of the current session: ask it again in the box.');
    return;
  }
  const roots = workspaceRoots();
  const request = requestOf(run);
  if (request && isInsideRoots(request.cwd, roots) && (await isScopeConfined(request.scope, roots))) {
    ctx.model.noteQuestion(request.scope, request.thoroughness);
    await ctx.startRun(request);
    return;
  }
  await askFromView(ctx, { type: 'run/start', question: run.question, scope: run.scope, thoroughness: run.thoroughness });
}

/** A question from the view: its scope is untrusted and must lie in the workspace (else the whole workspace). */
async function askFromView(ctx: ViewMessageContext, message: ViewMessage<'run/start'>): Promise<void> {
  const roots = workspaceRoots();
  if (roots.length === 0) {
    ctx.notify('warning', 'Open a folder first: LocoOperator answers questions about the folders of the workspace.');
    return;
  }
  let scope = message.scope;
  if (!(await isScopeConfined(scope, roots))) {
    ctx.log.warn(`The view asked about a place outside the workspace; asking about the whole workspace instead.`);
    scope = { kind: 'workspace' };
  }
  ctx.model.noteQuestion(scope, message.thoroughness);
  const selection = scope.kind === 'selection' ? await readSelection(scope.path, scope.startLine, scope.endLine) : undefined;
  await ctx.startRun(questionRequest(message.question, scope, roots, message.thoroughness, selection));
}

async function reportAction(ctx: ViewMessageContext, action: ReportAction, runId: string): Promise<void> {
  const run = ctx.model.displayedRuns().find((record) => record.runId === runId);
  const markdown = reportMarkdown(run);
  if (!run || !markdown) {
    ctx.notify('warning', 'That run has no report.');
    return;
  }
  await runReportAction(action, run, markdown, workspaceRoots()[0], ctx.log);
}

async function openHistory(ctx: ViewMessageContext, runId: string): Promise<void> {
  const entry = ctx.history.list().find((known) => known.runId === runId);
  if (!entry) {
    ctx.notify('warning', 'That run is no longer in the history.');
    return;
  }
  if (entry.sessionId === ctx.controller.sessionId) {
    ctx.model.showLiveSession();
    return;
  }
  const runs = await ctx.history.loadSession(entry.sessionId);
  if (runs.length === 0) {
    ctx.notify('warning', 'The trace of that run could not be read.');
    return;
  }
  ctx.model.showPastSession(entry.sessionId, runs);
}
