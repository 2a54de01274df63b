import type { ModelAction, WebviewToHost } from '../../../src/protocol/webview';

/** The buttons that fix a model problem, in the model panel and in a run that failed for it. */
export const modelActions: Record<ModelAction, { label: string; message: WebviewToHost }> = {
  download: { label: 'Download Model', message: { type: 'model/download' } },
  selectFile: { label: 'Use a GGUF File I Have…', message: { type: 'model/selectFile' } },
  showLog: { label: 'Show Log', message: { type: 'log/show' } },
  openSettings: { label: 'Open Settings', message: { type: 'settings/open' } },
  configureModel: { label: 'Configure Model…', message: { type: 'model/configure' } },
};

