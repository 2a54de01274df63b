import { access } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as vscode from 'vscode';
import type { ChatModel } from '../protocol/chatModel';
import { catalog, downloadedFileName, findVariant } from '../model/catalog';
import { createModelClient, type ModelClient } from '../model/modelClient';
import { validateModelFile } from '../model/modelFile';
import type { AgentEvent } from '../protocol/agentEvent';
import type { SettingName } from '../protocol/settings';
import type { ModelAction, ModelStatus } from '../protocol/webview';
import { formatBytes } from '../protocol/byteSize';
import { modelStatusFromHost } from './modelStatus';
import { withPrefillProgress } from './prefillProgress';
import { loadScriptedModel } from '../agent/scriptedModel';
import { SCRIPTED_MODEL_ENV } from './scriptedTranscript';
import { SETTINGS_SECTION, type SettingsReader } from './settings';

/** Settings that change how the engine is started: the next question uses a new model client. */
const ENGINE_SETTINGS: readonly SettingName[] = ['model.path', 'model.variant', 'gpu', 'contextSize', 'threads', 'idleUnloadMinutes', 'backend'];

/**
 * Which model answers, and in what state it is. Nothing is loaded until a question needs it:
 * `acquire` finds the model file (the setting, else the downloaded build), starts the model host
 * through a ModelClient, and reports its state for the view and the status bar.
 */
export class ModelManager implements vscode.Disposable {
  /** The engine's client and the ChatModel the agent gets for it (which reports prefill progress). */
  private client?: { key: string; value: ModelClient; model: ChatModel };
  /** How far the current turn has read its prompt, while it has not started writing. */
  private prefill: number | undefined;
  private current: ModelStatus = { state: 'notDownloaded', offer: downloadOffer(catalog.defaultVariant) };
  private tokensPerSecond = 0;
  private readonly changed = new vscode.EventEmitter<ModelStatus>();
  readonly onDidChangeStatus = this.changed.event;

  constructor(
    private readonly storageFolder: string,
    private readonly settings: SettingsReader,
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

  /** Works out the state without loading anything (a file check). */
  async refresh(): Promise<void> {
    if (process.env[SCRIPTED_MODEL_ENV]) return this.setStatus(scriptedStatus());
    if (this.client) return this.setStatus(this.withPrefill(modelStatusFromHost(this.client.value.status(), this.modelName(), this.tokensPerSecond)));
    const file = await this.modelFile();
    this.setStatus(file ? { state: 'notLoaded', modelName: path.basename(file) } : this.notDownloaded());
  }

  /** The model for a new session, or 'modelNeeded' when there is no model file yet. */
  async acquire(): Promise<ChatModel | 'modelNeeded'> {
    const transcript = process.env[SCRIPTED_MODEL_ENV];
    if (transcript) {
      this.setStatus(scriptedStatus());
      return loadScriptedModel(transcript, this.firstRoot() ?? process.cwd());
    }
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
      const message = error instanceof Error ? error.message : String(error);
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

  /** Generation speed from the last turn, shown while the model generates. */
  noteUsage(event: Extract<AgentEvent, { type: 'usage' }>): void {
    if (!event.generationMs || event.completionTokens === 0) return;
    this.tokensPerSecond = (1000 * event.completionTokens) / event.generationMs;
    if (this.current.state === 'generating') this.setStatus({ ...this.current, tokensPerSecond: this.tokensPerSecond });
  }

  /** Lets the user pick a GGUF file; validates it and saves it as `locooperator.model.path`. */
  async selectFile(): Promise<boolean> {
    const picked = await vscode.window.showOpenDialog({
      canSelectMany: false,
      canSelectFolders: false,
      openLabel: 'Use This Model',
      title: 'Select a LocoOperator-4B GGUF file',
      filters: { 'GGUF models': ['gguf'] },
    });
    const file = picked?.[0]?.fsPath;
    if (!file) return false;
    try {
      await validateModelFile(file);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.log.error(`Model file rejected: ${message}`);
      void vscode.window.showErrorMessage(`LocoOperator cannot use this file. ${message}`);
      return false;
    }
    await vscode.workspace.getConfiguration(SETTINGS_SECTION).update('model.path', file, vscode.ConfigurationTarget.Global);
    this.log.info(`Model file set to ${file}`);
    await this.refresh();
    return true;
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
    const client = this.client;
    this.client = undefined;
    if (client) await client.value.dispose();
  }

  private async modelFile(): Promise<string | undefined> {
    const settings = this.settings.read();
    const configured = settings['model.path'].trim();
    if (configured) return expandHome(configured);
    const downloaded = path.join(this.downloadFolder, downloadedFileName(settings['model.variant']));
    return (await exists(downloaded)) ? downloaded : undefined;
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
