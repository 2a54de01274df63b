// First: configures zod before any schema is built (see the module).
import './protocol/zodSetup';
import { realpath } from 'node:fs/promises';
import path from 'node:path';
import * as vscode from 'vscode';
import type { ModelStatus, RunRecord } from './protocol/webview';
import { AskViewProvider } from './vscode/askViewProvider';
import { registerCommands } from './vscode/commands';
import { HistoryStore } from './app/historyStore';
import { ModelDownloadFlow } from './vscode/modelDownload';
import { ModelManager } from './vscode/modelManager';
import { RunController } from './app/runController';
import { excludedGlobs } from './app/searchExclude';
import { turnBudget } from './app/turnBudget';
import { controllerExplorer } from './app/controllerExplorer';
import { registerChatParticipant } from './vscode/chatParticipant';
import { registerExploreTool } from './vscode/exploreTool';
import { McpServerDefinitions } from './vscode/mcpServerDefinitions';
import { configureModel } from './vscode/configureModel';
import { ServerApiKeys } from './vscode/serverApiKeys';
import { SettingsReader } from './vscode/settings';
import { ModelStatusBar } from './vscode/statusBar';
import { followRunning } from './vscode/runningContext';
import { nameRootsAsTheEditorDoes, realWorkspaceRoots, workspaceRoots } from './vscode/workspaceRoots';
import { gitUnavailable } from './vscode/workspaceTrust';
import { downloadModel } from './model/downloader';

/**
 * Composes the extension. Activation only wires objects together and checks whether a model file
 * exists: the model host starts, and the model loads, when the first question needs them.
 */

let shutdown: (() => Promise<void>) | undefined;

type AgentRuntime = typeof import('./agentRuntime');

/** What the extension offers other extensions (and the tests that drive it): read-only views of its state. */
export interface LocoOperatorApi {
  modelStatus(): ModelStatus;
  /** The live session's runs, oldest first, with every event. */
  sessionRuns(): readonly RunRecord[];
  isRunning(): boolean;
  /** Resolves when the running question (if any) has ended and its history is saved. A question waiting for a model runs once one is there. */
  settled(): Promise<void>;
  /** The folder that Download Model saves builds in. */
  downloadFolder(): string;
}

export function activate(context: vscode.ExtensionContext): LocoOperatorApi {
  const log = vscode.window.createOutputChannel('LocoOperator', { log: true });
  context.subscriptions.push(nameRootsAsTheEditorDoes());
  const settings = new SettingsReader(log);
  const history = new HistoryStore(context.workspaceState, path.join((context.storageUri ?? context.globalStorageUri).fsPath, 'history'));
  const apiKeys = new ServerApiKeys(context.secrets);
  const models = new ModelManager(context.globalStorageUri.fsPath, settings, apiKeys, log, () => workspaceRoots()[0]);

  const controller = new RunController({
    openSession: async (cwd, conversation) => {
      const model = await models.acquire();
      if (model === 'modelNeeded') return model;
      const current = settings.read();
      // The agent and its tools are most of the code: a bundle of their own (dist/agentRuntime.js,
      // see scripts/build.mjs) that loads on the first question, not on activation.
      const { AgentSession, createExplorerTools } = require('./agentRuntime.js') as AgentRuntime;
      return new AgentSession({
        model,
        tools: createExplorerTools(),
        cwd: await realpath(cwd),
        // Read at each tool call: the tools follow the workspace's folders as they change.
        roots: realWorkspaceRoots,
        // Read at each tool call too: trusting the folder turns git on from the next call.
        gitUnavailable,
        history: conversation,
        sampling: { temperature: current.temperature },
        exclude: current['search.respectFilesExclude'] ? excludedGlobs(vscode.workspace.getConfiguration('files').get('exclude')) : [],
      });
    },
    history,
    maxTurnsFor: (thoroughness) => turnBudget(thoroughness, settings.read()),
    log,
  });

  const downloads = new ModelDownloadFlow(models, () => settings.read()['model.variant'], downloadModel, log, () => {
    void controller.resumePending();
  });

  const view = new AskViewProvider({
    extensionUri: context.extensionUri,
    controller,
    history,
    models,
    log,
    workspaceState: context.workspaceState,
    cancelDownload: () => downloads.cancel(),
  });

  // Other agents' explorations (the language-model tool, the chat participant, the MCP server)
  // run through the view's queue, on its model, and show in the view.
  const explorer = controllerExplorer(controller);
  const mcpServers = new McpServerDefinitions(explorer, String((context.extension.packageJSON as { version?: unknown }).version ?? '0.0.0'), log);

  const statusBar = new ModelStatusBar(`${AskViewProvider.viewType}.focus`);
  statusBar.show(models.status);

  context.subscriptions.push(
    log,
    view,
    statusBar,
    downloads,
    vscode.window.registerWebviewViewProvider(AskViewProvider.viewType, view),
    registerExploreTool(explorer, () => models.warm('agentCall')),
    registerChatParticipant(explorer, realWorkspaceRoots),
    mcpServers,
    mcpServers.register(),
    models.onDidChangeStatus((status) => statusBar.show(status)),
    // The view labels paths by the roots and links only files inside them: both change with the folders.
    vscode.workspace.onDidChangeWorkspaceFolders(() => view.model.rootsChanged()),
    // The view's Restricted Mode line goes; git and the workspace's settings apply from now on.
    vscode.workspace.onDidGrantWorkspaceTrust(() => view.model.postSnapshot()),
    controller.onEvent((event) => {
      // The generation speed from each turn's usage reaches the model status directly, view or no view.
      if (event.type === 'run/event' && event.event.type === 'usage') models.noteUsage(event.event);
      if (event.type === 'running') statusBar.setRunning(event.running);
    }),
    followRunning(controller, (key, value) => void vscode.commands.executeCommand('setContext', key, value)),
    ...registerCommands({
      view,
      controller,
      log,
      downloadModel: () => downloads.start(),
      selectModelFile: async () => {
        if (await models.selectFile()) {
          controller.forgetSession();
          await controller.resumePending();
        }
      },
      setServerApiKey: async () => {
        if (!(await apiKeys.promptAndStore(settings.read()['server.url']))) return;
        // The next question connects with the new key; a running one keeps its connection.
        controller.forgetSession();
        await (controller.isRunning ? models.refresh() : models.release());
      },
      configureModel: async () => {
        const saved = await configureModel({ models, apiKeys, settings, log, downloadModel: () => downloads.start() });
        if (!saved) return;
        // Changed settings restart the engine (settings.onDidChange below); a new key alone does not.
        controller.forgetSession();
        if (saved.keyChanged) await (controller.isRunning ? models.refresh() : models.release());
        // A question waiting for a model runs now, unless it waits for the download just started.
        if (!(saved.configuration.backend === 'embedded' && saved.configuration.download)) await controller.resumePending();
      },
    }),
    settings.onDidChange((changed) => {
      log.info(`Settings changed: ${changed.join(', ')}`);
      if (models.affectsEngine(changed)) {
        controller.forgetSession();
        // A running question keeps its engine; the next one starts the new one. A question that
        // waits for a model runs if the settings now name one.
        void (controller.isRunning ? models.refresh() : models.release()).then(() => controller.resumePending());
      }
    }),
  );

  void models.refresh();
  // The conversation the window had before it reloaded is the live one again.
  void history.loadConversation().then((saved) => saved && controller.restore(saved));
  log.info(`LocoOperator activated (${workspaceRoots().length} workspace folder(s))`);

  shutdown = async () => {
    // A question cut off by a reload is shown as interrupted in the next window, not as stopped.
    await controller.close();
    await models.dispose();
  };

  return {
    modelStatus: () => models.status,
    sessionRuns: () => controller.runs,
    isRunning: () => controller.isRunning,
    settled: () => controller.settled(),
    downloadFolder: () => models.downloadFolder,
  };
}

/** Stops a running question and the model host; VS Code waits for the returned promise. */
export async function deactivate(): Promise<void> {
  const stop = shutdown;
  shutdown = undefined;
  await stop?.();
}
