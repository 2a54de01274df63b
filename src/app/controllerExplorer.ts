import type { AgentEvent } from '../protocol/agentEvent';
import type { RunController } from './runController';
import { CANCELLED_BEFORE_START, WAITING_NOTICE, type Explorer } from './explorer';
import { whenAborted } from './whenAborted';
import type { ExploreOutcome } from './exploreReport';

export const MODEL_NEEDED_FOR_AGENT =
  'LocoOperator has no model yet. Open the LocoOperator view and download LocoOperator-4B or select a GGUF file, then ask again.';

/**
 * Another agent's exploration as a run of the Ask view: it waits while the view's question runs
 * (the model and its conversation serve one question at a time), then runs in the view's session,
 * where a person can watch its tool cards, and stops when the caller cancels.
 */
export function controllerExplorer(controller: RunController): Explorer {
  return {
    async run(request, { signal, onEvent, onNotice }) {
      for (;;) {
        while (controller.isRunning) {
          // A question of the view that waits for a model would keep the caller waiting for a download.
          if (controller.pendingRequest) return { reason: 'error', error: MODEL_NEEDED_FOR_AGENT, turns: 0 };
          onNotice(WAITING_NOTICE);
          await Promise.race([controller.settled(), whenAborted(signal)]);
          if (signal.aborted) return CANCELLED_BEFORE_START;
        }
        const watched = watchRun(controller, onEvent);
        const onAbort = () => {
          if (watched.runId !== undefined && controller.activeRunId === watched.runId) controller.stop();
        };
        signal.addEventListener('abort', onAbort, { once: true });
        try {
          // The caller cannot wait for a download: without a model the run ends at once, saying so.
          const result = await controller.start(request, { noModelError: MODEL_NEEDED_FOR_AGENT });
          // 'busy': the view started a question between the wait and the start; wait again.
          if (result === 'busy') continue;
          // A cancellation that came while the run was starting.
          if (signal.aborted) onAbort();
          return await watched.outcome;
        } finally {
          signal.removeEventListener('abort', onAbort);
          watched.dispose();
        }
      }
    },
  };
}

interface WatchedRun {
  runId?: string;
  outcome: Promise<ExploreOutcome>;
  dispose(): void;
}

/** Follows the next run the controller creates to its root `run/finished` event (every run ends with one, before the controller is free again). */
function watchRun(controller: RunController, onEvent: (event: AgentEvent) => void): WatchedRun {
  let settle!: (outcome: ExploreOutcome) => void;
  const watched: WatchedRun = { outcome: new Promise((resolve) => (settle = resolve)), dispose: () => subscription.dispose() };
  const subscription = controller.onEvent((event) => {
    // Only a window that closes cuts a run off before its end: the caller hears it was stopped.
    if (event.type === 'running' && !event.running) settle({ reason: 'cancelled', turns: 0 });
    if (event.type === 'run/created') {
      watched.runId ??= event.run.runId;
      return;
    }
    if (event.type !== 'run/event' || event.runId !== watched.runId) return;
    onEvent(event.event);
    if (event.event.type === 'run/finished' && event.event.runId === watched.runId) {
      const { reason, report, error, turns } = event.event;
      settle({ reason, report, error, turns });
    }
  });
  return watched;
}
