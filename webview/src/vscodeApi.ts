import { z } from 'zod';
import { HostToWebview, type WebviewToHost } from '../../src/protocol/webview';

/** The webview's line to the extension host; components get it from context, tests fake it. */
export interface HostChannel {
  post(message: WebviewToHost): void;
  /** Calls `listener` with each valid message from the host; returns an unsubscribe function. */
  subscribe(listener: (message: HostToWebview) => void): () => void;
  /** The question being typed, which VS Code keeps while the view is hidden. */
  loadDraft(): string;
  saveDraft(text: string): void;
}

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

const SavedState = z.object({ draft: z.string() });

declare function acquireVsCodeApi(): VsCodeApi;

let api: VsCodeApi | undefined;

/**
 * VS Code allows `acquireVsCodeApi()` once per webview; the handle stays in this module rather
 * than on `window`, where any script in the page could post as us.
 */
function vscodeApi(): VsCodeApi {
  api ??= acquireVsCodeApi();
  return api;
}

export function connectToHost(): HostChannel {
  return {
    post: (message) => vscodeApi().postMessage(message),
    subscribe(listener) {
      const onMessage = (event: MessageEvent) => {
        const parsed = HostToWebview.safeParse(event.data);
        if (parsed.success) listener(parsed.data);
        else console.warn('LocoOperator: dropped an invalid message from the extension', parsed.error.issues);
      };
      window.addEventListener('message', onMessage);
      return () => window.removeEventListener('message', onMessage);
    },
    loadDraft() {
      const saved = SavedState.safeParse(vscodeApi().getState());
      return saved.success ? saved.data.draft : '';
    },
    saveDraft: (draft) => vscodeApi().setState({ draft }),
  };
}
