import type { ChatModel } from '../protocol/chatModel';
import type { ModelClient } from '../model/modelClient';

/** At most ten prefill updates a second reach the view and the status bar. */
export const PREFILL_UPDATE_INTERVAL_MS = 100;

/**
 * The ChatModel the agent gets: the client (the embedded engine's, or llama-server's, which
 * reports its prefill too) itself, plus how far it has read the prompt. A long
 * prompt takes seconds to read before the first token; `onPrefill` hears the fraction read
 * (throttled), then `undefined` once the model writes or the turn ends.
 */
export function withPrefillProgress(client: Pick<ModelClient, 'contextSize' | 'prepare' | 'complete'>, onPrefill: (fraction: number | undefined) => void, now: () => number = Date.now): ChatModel {
  return {
    get contextSize() {
      return client.contextSize;
    },
    prepare: (signal) => client.prepare(signal),
    async complete(request, { signal, onText }) {
      let shownAt: number | undefined;
      let writing = false;
      const clear = () => {
        if (shownAt !== undefined) onPrefill(undefined);
        shownAt = undefined;
      };
      try {
        return await client.complete(request, {
          signal,
          onProgress: (evaluated, total) => {
            if (writing || total <= 0) return;
            const time = now();
            if (shownAt !== undefined && time - shownAt < PREFILL_UPDATE_INTERVAL_MS) return;
            shownAt = time;
            onPrefill(Math.min(1, evaluated / total));
          },
          onText: (chunk) => {
            if (!writing) {
              writing = true;
              clear();
            }
            onText?.(chunk);
          },
        });
      } finally {
        clear();
      }
    },
  };
}
