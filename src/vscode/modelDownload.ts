import * as vscode from 'vscode';
import type { downloadModel } from '../model/downloader';
import type { ModelManager } from './modelManager';
import { downloadProgressText } from '../app/modelStatus';
import { errorMessage } from '../protocol/errorMessage';

/** Downloads one build into a folder, resuming a partial file; resolves to its path (src/model/downloader). */
export type ModelDownloader = typeof downloadModel;

/** How often the notification and the view are updated (the downloader reports far more often). */
const PROGRESS_INTERVAL_MS = 250;

/**
 * The Download Model flow: progress in a cancellable notification and in the view (bytes, speed,
 * time left), a clear error with what to do next, and the waiting question run once the model is
 * there. One download at a time.
 */
export class ModelDownloadFlow implements vscode.Disposable {
  private active?: AbortController;

  constructor(
    private readonly models: ModelManager,
    private readonly variant: () => string,
    private readonly download: ModelDownloader,
    private readonly log: vscode.LogOutputChannel,
    private readonly onDownloaded: () => void,
  ) {}

  get downloading(): boolean {
    return this.active !== undefined;
  }

  async start(): Promise<void> {
    if (this.active) {
      void vscode.window.showInformationMessage('LocoOperator-4B is already being downloaded.');
      return;
    }
    const abort = new AbortController();
    this.active = abort;
    const variant = this.variant();
    this.log.info(`Downloading LocoOperator-4B ${variant} into ${this.models.downloadFolder}`);
    try {
      const file = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Downloading LocoOperator-4B (${variant})`, cancellable: true },
        (progress, token) => {
          token.onCancellationRequested(() => abort.abort());
          let reportedPercent = 0;
          let lastUpdate = 0;
          this.models.showDownload({ state: 'downloading', receivedBytes: 0 });
          return this.download({
            variant,
            directory: this.models.downloadFolder,
            signal: abort.signal,
            onProgress: ({ receivedBytes, totalBytes, bytesPerSecond }) => {
              const now = Date.now();
              if (now - lastUpdate < PROGRESS_INTERVAL_MS && receivedBytes !== totalBytes) return;
              lastUpdate = now;
              const percent = totalBytes ? (100 * receivedBytes) / totalBytes : 0;
              progress.report({ increment: Math.max(0, percent - reportedPercent), message: downloadProgressText(receivedBytes, totalBytes, bytesPerSecond) });
              reportedPercent = Math.max(reportedPercent, percent);
              const etaSeconds = totalBytes && bytesPerSecond ? Math.max(0, (totalBytes - receivedBytes) / bytesPerSecond) : undefined;
              this.models.showDownload({ state: 'downloading', receivedBytes, totalBytes, bytesPerSecond, etaSeconds });
            },
          });
        },
      );
      this.active = undefined;
      this.log.info(`Downloaded ${file}`);
      this.models.showDownload(undefined);
      void vscode.window.showInformationMessage('LocoOperator-4B is ready.');
      this.onDownloaded();
    } catch (error) {
      this.active = undefined;
      if (abort.signal.aborted) {
        this.log.info('Download cancelled');
        this.models.showDownload(undefined);
        void vscode.window.showInformationMessage('Download cancelled. Downloading again continues where it stopped.');
        return;
      }
      const message = errorMessage(error);
      this.log.error(`Download failed: ${message}`);
      this.models.showDownload({ state: 'error', message: `The download failed: ${message}`, actions: ['download', 'selectFile', 'showLog'] });
      const choice = await vscode.window.showErrorMessage(`LocoOperator: the download failed. ${message}`, 'Retry', 'Select Model File…', 'Show Log');
      if (choice === 'Retry') await vscode.commands.executeCommand('locooperator.downloadModel');
      else if (choice === 'Select Model File…') await vscode.commands.executeCommand('locooperator.selectModelFile');
      else if (choice === 'Show Log') this.log.show();
    } finally {
      if (this.active === abort) this.active = undefined;
    }
  }

  cancel(): void {
    this.active?.abort();
  }

  dispose(): void {
    this.cancel();
  }
}
