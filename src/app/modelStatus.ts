import type { ModelBackend, ModelHostStatus } from '../protocol/modelHost';
import type { ModelStatus } from '../protocol/webview';
import { formatBytes } from '../protocol/byteSize';

/**
 * How the model's state reads in the view and the status bar. Pure functions from the model
 * host's status, so the wording is tested without VS Code.
 */

const BACKEND_NAMES: Record<ModelBackend, string> = { cpu: 'CPU', cuda: 'CUDA', vulkan: 'Vulkan', metal: 'Metal' };

export function backendName(backend: ModelBackend | undefined): string {
  return backend ? BACKEND_NAMES[backend] : 'CPU';
}

/** The view's model status for a model file that exists, given what the model host reports. */
export function modelStatusFromHost(host: ModelHostStatus, modelName: string, tokensPerSecond: number): ModelStatus {
  switch (host.state) {
    case 'stopped':
    case 'unloaded':
      return host.error
        ? { state: 'error', message: `The model could not be loaded: ${host.error}`, actions: ['selectFile', 'openSettings', 'showLog'] }
        : { state: 'notLoaded', modelName };
    case 'starting':
    case 'loading':
      return host.loadProgress === undefined ? { state: 'loading', modelName } : { state: 'loading', modelName, progress: host.loadProgress };
    case 'ready':
      return { state: 'ready', modelName, backend: backendName(host.backend) };
    case 'generating':
      return { state: 'generating', modelName, backend: backendName(host.backend), tokensPerSecond };
    case 'crashed':
      return {
        state: 'error',
        message: `The model process stopped unexpectedly${host.error ? `: ${host.error}` : ''}. The next question starts it again.`,
        actions: ['showLog', 'openSettings'],
      };
  }
}

export interface StatusBarLook {
  text: string;
  tooltip: string;
  /** Whether the item uses the theme's error colours. */
  error: boolean;
}

/** `running`: a question is being answered (the model may be between turns, waiting for tools). */
export function statusBarLook(status: ModelStatus, running = false): StatusBarLook {
  const look = (icon: string, detail: string, tooltip: string, error = false): StatusBarLook => ({
    text: `$(${icon}) LocoOperator${detail ? `: ${detail}` : ''}`,
    tooltip: `${tooltip}\nClick to open Ask LocoOperator.`,
    error,
  });
  if (running && (status.state === 'notLoaded' || status.state === 'ready' || (status.state === 'generating' && status.prefill === undefined))) {
    const speed = status.state === 'generating' && status.tokensPerSecond > 0 ? ` ${Math.round(status.tokensPerSecond)} tok/s` : '';
    const where = status.state === 'notLoaded' ? '' : ` on ${status.backend}`;
    return look('loading~spin', `exploring…${speed}`, `${status.modelName}${where} is exploring the workspace to answer your question.`);
  }
  switch (status.state) {
    case 'notDownloaded':
      return look('cloud-download', 'no model', `No model yet. Download ${status.offer} or select a GGUF file you have.`);
    case 'downloading': {
      const percent = status.totalBytes ? Math.floor((100 * status.receivedBytes) / status.totalBytes) : undefined;
      return look('sync~spin', percent === undefined ? 'downloading' : `downloading ${percent}%`, `Downloading the model (${formatBytes(status.receivedBytes)}${status.totalBytes ? ` of ${formatBytes(status.totalBytes)}` : ''}).`);
    }
    case 'notLoaded':
      return look('circle-outline', '', `${status.modelName} loads on the first question.`);
    case 'loading':
      return look('loading~spin', status.progress === undefined ? 'loading' : `loading ${Math.floor(status.progress * 100)}%`, `Loading ${status.modelName}…`);
    case 'ready':
      return look('check', `ready (${status.backend})`, `${status.modelName} is loaded and runs on ${status.backend}.`);
    case 'generating':
      if (status.prefill !== undefined) return look('pulse', `reading the prompt ${Math.floor(status.prefill * 100)}%`, `${status.modelName} is reading the prompt on ${status.backend}.`);
      // The speed is measured per turn, so the first turn has none yet.
      return look('pulse', status.tokensPerSecond > 0 ? `${Math.round(status.tokensPerSecond)} tok/s` : 'generating', `${status.modelName} is generating on ${status.backend}.`);
    case 'error':
      return look('error', 'error', status.message, true);
  }
}

/** "1.20 GB of 2.30 GB · 25.0 MB/s · 1 min left" */
export function downloadProgressText(receivedBytes: number, totalBytes?: number, bytesPerSecond?: number): string {
  const parts = [totalBytes ? `${formatBytes(receivedBytes)} of ${formatBytes(totalBytes)}` : formatBytes(receivedBytes)];
  if (bytesPerSecond && bytesPerSecond > 0) {
    parts.push(`${formatBytes(bytesPerSecond)}/s`);
    if (totalBytes && totalBytes > receivedBytes) parts.push(`${formatDuration((totalBytes - receivedBytes) / bytesPerSecond)} left`);
  }
  return parts.join(' · ');
}

export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${Math.max(1, Math.round(seconds))} s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  return `${Math.floor(seconds / 3600)} h ${Math.round((seconds % 3600) / 60)} min`;
}
