import { access } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as vscode from 'vscode';
import type { ChatModel } from '../protocol/chatModel';
import { catalog, downloadedFileName, findVariant } from '../model/catalog';
import { createModelClient, type ModelClient } from '../model/modelClient';
import { createServerModel } from '../model/server/serverBackends';
import type { ServerModel } from '../model/server/serverModel';
import type { ServerIdentity, ServerKind } from '../protocol/inferenceServer';
import { validateModelFile } from '../model/modelFile';
import type { AgentEvent } from '../protocol/agentEvent';
import { SERVER_LIMIT_SETTINGS, serverLimitsMs, type SettingName } from '../protocol/settings';
import type { ModelAction, ModelStatus } from '../protocol/webview';
import { formatBytes } from '../protocol/byteSize';
import { loadsAhead, type LoadAheadTrigger } from '../app/loadAhead';
import { modelStatusFromHost } from '../app/modelStatus';
import { withPrefillProgress } from '../app/prefillProgress';
import { loadScriptedModel } from '../model/scriptedModel';
import { SCRIPTED_MODEL_ENV } from '../model/scriptedTranscript';
import type { ServerApiKeys } from './serverApiKeys';
import { SETTINGS_SECTION, type SettingsReader } from './settings';
import { errorMessage } from '../protocol/errorMessage';

/** Settings that change how the engine is started: the next question uses a new model client. */
const ENGINE_SETTINGS: readonly SettingName[] = [
  'model.path',
  'model.variant',
  'gpu',
  'contextSize',
  'threads',
  'idleUnloadMinutes',
  'backend',
  'server.url',
  'server.model',
  ...Object.values(SERVER_LIMIT_SETTINGS),
];

/** How the status names each kind of server. */
const SERVER_LABELS: Record<ServerKind, string> = { 'llama-server': 'llama-server', 'openai-compatible': 'OpenAI-compatible server', ollama: 'Ollama' };

/**
 * Which model answers, and in what state it is. Nothing is loaded until a question needs it:
 * `acquire` finds the model file (the setting, else the downloaded build), starts the model host
 * through a ModelClient, and reports its state for the view and the status bar. With a shared
 * server (`locooperator.backend`), it connects instead and shows which server and model answer;
 * `refresh` connects early so that a wrong template or a small window is heard before a question.
 */
export class ModelManager implements vscode.Disposable {
  /** The engine's client and the ChatModel the agent gets for it (which reports prefill progress). */
  private client?: { key: string; value: ModelClient; model: ChatModel };
  /** The shared server's back-end and the ChatModel the agent gets for it (which reports its state). */
  private server?: { key: string; value: ServerModel; model: ChatModel; identity?: ServerIdentity };
  /** How far the current turn has read its prompt, while it has not started writing. */
  private prefill: number | undefined;
  private current: ModelStatus = { state: 'notDownloaded', offer: downloadOffer(catalog.defaultVariant) };
  private tokensPerSecond = 0;
  private acquiring: Promise<unknown> = Promise.resolve();
  private readonly changed = new vscode.EventEmitter<ModelStatus>();
  readonly onDidChangeStatus = this.changed.event;

  constructor(
    private readonly storageFolder: string,
    private readonly settings: SettingsReader,
    private readonly apiKeys: ServerApiKeys,
    private readonly log: vscode.LogOutputChannel,
    /** The workspace folder that scripted transcripts' `${workspaceFolder}` stands for. */
    private readonly firstRoot: () => string | undefined,
  ) {}

  get status(): ModelStatus {
    return this.current;
  }

  /** Where a downloaded build of the configured variant lives. */
  get downloadFolder(): string {
    return path.join(this.storageFolder, 'models');
  }

  /** Works out the state without loading anything (a file check); a server is asked who answers. */
  async refresh(): Promise<void> {
    if (process.env[SCRIPTED_MODEL_ENV]) return this.setStatus(scriptedStatus());
    if (this.settings.read().backend !== 'embedded') {
      if (this.server?.identity) return;
      // Connecting now says before the first question whether the server answers, and how.
      return void this.acquire().catch(() => undefined);
    }
    if (this.client) return this.setStatus(this.withPrefill(modelStatusFromHost(this.client.value.status(), this.modelName(), this.tokensPerSecond)));
    const file = await this.modelFile();
    this.setStatus(file ? { state: 'notLoaded', modelName: path.basename(file) } : this.notDownloaded());
  }

  /** The model for a new session, or 'modelNeeded' when there is no model file yet. */
  acquire(): Promise<ChatModel | 'modelNeeded'> {
    // One at a time: a load started while the user typed and the question's own must share one client.
    const next = this.acquiring.then(() => this.acquireNow());
    this.acquiring = next.catch(() => undefined);
    return next;
  }

  /**
   * Starts loading the model before a question, when `locooperator.model.loadWhen` allows it for
   * what happened (loadsAhead). Only in a trusted, focused window: a view restored in a background window loads nothing. A load no
   * question uses is released by the idle unload; a failure shows in the model's status.
   */
  warm(trigger: LoadAheadTrigger): void {
    if (!loadsAhead(this.settings.read()['model.loadWhen'], trigger)) return;
    if (!vscode.workspace.isTrusted || !vscode.window.state.focused) return;
    void (async () => {
      const model = await this.acquire();
      if (model !== 'modelNeeded') await model.prepare(new AbortController().signal);
    })().catch((error: unknown) => this.log.warn(`Loading the model ahead of a question failed: ${errorMessage(error)}`));
  }

  private async acquireNow(): Promise<ChatModel | 'modelNeeded'> {
    const transcript = process.env[SCRIPTED_MODEL_ENV];
    if (transcript) {
      this.setStatus(scriptedStatus());
      return loadScriptedModel(transcript, this.firstRoot() ?? process.cwd());
    }
    const backend = this.settings.read().backend;
    if (backend !== 'embedded') return this.acquireServer(backend);
    const file = await this.modelFile();
    if (!file) {
      this.setStatus(this.notDownloaded());
      return 'modelNeeded';
    }
    const settings = this.settings.read();
    const options = {
      modelPath: file,
      contextSize: settings.contextSize,
      threads: settings.threads > 0 ? settings.threads : undefined,
      gpu: settings.gpu === 'off' ? (false as const) : ('auto' as const),
      idleUnloadMs: settings.idleUnloadMinutes * 60_000,
    };
    const key = JSON.stringify(options);
    if (this.client?.key === key) return this.client.model;
    await this.disposeClient();
    try {
      await validateModelFile(file, { contextSize: typeof options.contextSize === 'number' ? options.contextSize : undefined });
    } catch (error) {
      const message = errorMessage(error);
      const actions: ModelAction[] = settings['model.path'] ? ['selectFile', 'openSettings', 'showLog'] : ['download', 'selectFile', 'showLog'];
      this.setStatus({ state: 'error', message, actions });
      this.log.error(`Model file rejected: ${message}`);
      throw error;
    }
    this.log.info(`Using the model ${file}`);
    const client = createModelClient({
      ...options,
      onStatus: (status) => {
        if (this.client?.value !== client) return;
        if (status.error) this.log.error(`Model host: ${status.error}`);
        this.setStatus(this.withPrefill(modelStatusFromHost(status, path.basename(file), this.tokensPerSecond)));
      },
      onLog: (line) => this.log.info(`[model host] ${line}`),
    });
    const model = withPrefillProgress(client, (fraction) => {
      if (this.client?.value !== client) return;
      this.prefill = fraction;
      if (this.current.state === 'generating') this.setStatus(this.withPrefill(this.current));
    });
    this.client = { key, value: client, model };
    this.prefill = undefined;
    this.setStatus({ state: 'notLoaded', modelName: path.basename(file) });
    return model;
  }

  /** Connects to the configured server (once per configuration) and shows who answers. */
  private async acquireServer(kind: ServerKind): Promise<ChatModel> {
    const settings = this.settings.read();
    const url = settings['server.url'].trim();
    if (!url) {
      const message = `Set the address of the ${SERVER_LABELS[kind]} (locooperator.server.url) with "LocoOperator: Configure Model…", or run the model on this machine.`;
      this.setStatus({ state: 'error', message, actions: ['configureModel', 'openSettings'] });
      throw new Error(message);
    }
    const apiKey = await this.apiKeys.get(url);
    const options = {
      url,
      model: settings['server.model'].trim() || undefined,
      contextSize: typeof settings.contextSize === 'number' ? settings.contextSize : undefined,
      limits: serverLimitsMs(settings),
    };
    // The key takes part in the comparison only in memory; it is never logged.
    const key = JSON.stringify({ kind, ...options, apiKey });
    if (this.server?.key === key && this.server.identity) return this.server.model;
    if (this.server?.key !== key) {
      await this.disposeClient();
      const value = createServerModel(kind, {
        ...options,
        apiKey,
        hints: {
          apiKey: 'Set it with "LocoOperator: Set Server API Key…".',
          limits: {
            connect: `locooperator.${SERVER_LIMIT_SETTINGS.connect}`,
            firstByte: `locooperator.${SERVER_LIMIT_SETTINGS.firstByte}`,
            idle: `locooperator.${SERVER_LIMIT_SETTINGS.idle}`,
          },
        },
      });
      this.server = { key, value, model: this.reportingServerState(value) };
    }
    const server = this.server!;
    this.setStatus({ state: 'loading', modelName: `${SERVER_LABELS[kind]} at ${url}` });
    try {
      const identity = await server.value.connect();
      if (this.server !== server) return server.model;
      server.identity = identity;
      this.log.info(`Using ${identity.model} on the ${SERVER_LABELS[kind]} at ${identity.url} (context ${server.value.contextSize} tokens)`);
      for (const warning of identity.warnings) {
        this.log.warn(warning);
        void vscode.window.showWarningMessage(`LocoOperator: ${warning}`);
      }
      this.setStatus(this.serverStatus('ready'));
      return server.model;
    } catch (error) {
      const message = errorMessage(error);
      this.log.error(`Server: ${message}`);
      if (this.server === server) this.setStatus({ state: 'error', message, actions: ['configureModel', 'openSettings', 'showLog'] });
      throw error;
    }
  }

  /** The ChatModel for a server: generating while it answers, an error status when it fails. */
  private reportingServerState(server: ServerModel): ChatModel {
    const current = () => this.server?.value === server;
    const model = withPrefillProgress(server, (fraction) => {
      if (!current()) return;
      this.prefill = fraction;
      if (this.current.state === 'generating') this.setStatus(this.withPrefill(this.current));
    });
    return {
      get contextSize() {
        return model.contextSize;
      },
      prepare: (signal) => model.prepare(signal),
      complete: async (request, options) => {
        if (current()) this.setStatus(this.serverStatus('generating'));
        try {
          const result = await model.complete(request, options);
          if (current()) this.setStatus(this.serverStatus('ready'));
          return result;
        } catch (error) {
          if (current()) this.setStatus({ state: 'error', message: errorMessage(error), actions: ['configureModel', 'openSettings', 'showLog'] });
          throw error;
        }
      },
    };
  }

  /** "LocoOperator-4B-Q4_K_M.gguf" on "llama-server at http://gpu-box:8080". */
  private serverStatus(state: 'ready' | 'generating'): ModelStatus {
    const identity = this.server?.identity;
    const modelName = identity?.model ?? 'the server model';
    const backend = identity ? `${SERVER_LABELS[identity.kind]} at ${identity.url}` : 'a server';
    return state === 'ready' ? { state, modelName, backend } : this.withPrefill({ state, modelName, backend, tokensPerSecond: this.tokensPerSecond });
  }

  /** Generation speed from the last turn, shown while the model generates. */
  noteUsage(event: Extract<AgentEvent, { type: 'usage' }>): void {
    if (!event.generationMs || event.completionTokens === 0) return;
    this.tokensPerSecond = (1000 * event.completionTokens) / event.generationMs;
    if (this.current.state === 'generating') this.setStatus({ ...this.current, tokensPerSecond: this.tokensPerSecond });
  }

  /** Lets the user pick a GGUF file; validates it and saves it as `locooperator.model.path`. */
  async selectFile(): Promise<boolean> {
    const file = await this.pickModelFile();
    if (!file) return false;
    await vscode.workspace.getConfiguration(SETTINGS_SECTION).update('model.path', file, vscode.ConfigurationTarget.Global);
    this.log.info(`Model file set to ${file}`);
    await this.refresh();
    return true;
  }

  /** Lets the user pick a GGUF file and validates it; undefined when cancelled or unusable (which is said). */
  async pickModelFile(): Promise<string | undefined> {
    const picked = await vscode.window.showOpenDialog({
      canSelectMany: false,
      canSelectFolders: false,
      openLabel: 'Use This Model',
      title: 'Select a LocoOperator-4B GGUF file',
      filters: { 'GGUF models': ['gguf'] },
    });
    const file = picked?.[0]?.fsPath;
    if (!file) return undefined;
    try {
      await validateModelFile(file);
      return file;
    } catch (error) {
      const message = errorMessage(error);
      this.log.error(`Model file rejected: ${message}`);
      void vscode.window.showErrorMessage(`LocoOperator cannot use this file. ${message}`);
      return undefined;
    }
  }

  /** Whether the configured variant has been downloaded (whatever `locooperator.model.path` says). */
  hasDownloadedModel(): Promise<boolean> {
    return exists(this.downloadedFile());
  }

  /** Whether a settings change means the next question needs a new engine. */
  affectsEngine(changed: readonly SettingName[]): boolean {
    return changed.some((name) => ENGINE_SETTINGS.includes(name));
  }

  /** Shows a download's progress (or its end) in the view and the status bar. */
  showDownload(status: ModelStatus | undefined): void {
    if (status) this.setStatus(status);
    else void this.refresh();
  }

  /** Stops the model host now (after an engine setting changed): its memory is not needed until the next question. */
  async release(): Promise<void> {
    await this.disposeClient();
    await this.refresh();
  }

  async dispose(): Promise<void> {
    await this.disposeClient();
    this.changed.dispose();
  }

  private async disposeClient(): Promise<void> {
    const { client, server } = this;
    this.client = undefined;
    this.server = undefined;
    this.prefill = undefined;
    await client?.value.dispose();
    await server?.value.dispose();
  }

  private async modelFile(): Promise<string | undefined> {
    const settings = this.settings.read();
    const configured = settings['model.path'].trim();
    if (configured) return expandHome(configured);
    const downloaded = this.downloadedFile();
    return (await exists(downloaded)) ? downloaded : undefined;
  }

  /** Where Download Model saves the configured variant. */
  private downloadedFile(): string {
    return path.join(this.downloadFolder, downloadedFileName(this.settings.read()['model.variant']));
  }

  private modelName(): string {
    return this.current.state === 'notLoaded' || this.current.state === 'loading' || this.current.state === 'ready' || this.current.state === 'generating'
      ? this.current.modelName
      : 'LocoOperator-4B';
  }

  /** A generating status says how far the prompt has been read until the model writes. */
  private withPrefill(status: ModelStatus): ModelStatus {
    if (status.state !== 'generating') return status;
    const { prefill: _previous, ...rest } = status;
    return this.prefill === undefined ? rest : { ...rest, prefill: this.prefill };
  }

  private notDownloaded(): ModelStatus {
    return { state: 'notDownloaded', offer: downloadOffer(this.settings.read()['model.variant']) };
  }

  private setStatus(status: ModelStatus): void {
    this.current = status;
    this.changed.fire(status);
  }
}

/** "LocoOperator-4B (Q4_K_M, 2.33 GB)" */
export function downloadOffer(variant: string): string {
  try {
    const known = findVariant(variant);
    return `${catalog.model} (${known.quantization}, ${formatBytes(known.approximateBytes)})`;
  } catch {
    return `${catalog.model} (${variant})`;
  }
}

function scriptedStatus(): ModelStatus {
  return { state: 'ready', modelName: 'Scripted transcript', backend: 'scripted' };
}

function expandHome(file: string): string {
  return file === '~' || file.startsWith('~/') ? path.join(os.homedir(), file.slice(1)) : file;
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}
