import type { AgentEvent } from '../protocol/agentEvent';
import type { RunController } from './runController';
import { CANCELLED_BEFORE_START, WAITING_NOTICE, whenAborted, type Explorer } from './explorer';
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
          onNotice(WAITING_NOTICE);
          await Promise.race([controller.settled(), whenAborted(signal)]);
          if (signal.aborted) return CANCELLED_BEFORE_START;
        }
        const watched = watchRun(controller, onEvent);
        const result = await controller.start(request);
        if (result === 'started') {
          const onAbort = () => {
            if (watched.runId !== undefined && controller.activeRunId === watched.runId) controller.stop();
          };
          signal.addEventListener('abort', onAbort, { once: true });
          // A cancellation that came while the run was starting.
          if (signal.aborted) onAbort();
          try {
            return await watched.outcome;
          } finally {
            signal.removeEventListener('abort', onAbort);
            watched.dispose();
          }
        }
        watched.dispose();
        if (result === 'modelNeeded') {
          controller.dropPending(request);
          return { reason: 'error', error: MODEL_NEEDED_FOR_AGENT, turns: 0 };
        }
        if (result === 'failed') return { reason: 'error', error: watched.lastError ?? 'the run could not start (see LocoOperator: Show Log)', turns: 0 };
        // 'busy': the view started a question between the wait and the start; wait again.
      }
    },
  };
}

interface WatchedRun {
  runId?: string;
  lastError?: string;
  outcome: Promise<ExploreOutcome>;
  dispose(): void;
}

/** Follows the next run the controller creates to its root `run/finished` event. */
function watchRun(controller: RunController, onEvent: (event: AgentEvent) => void): WatchedRun {
  let settle!: (outcome: ExploreOutcome) => void;
  const watched: WatchedRun = { outcome: new Promise((resolve) => (settle = resolve)), dispose: () => subscription.dispose() };
  let settled = false;
  const finish = (outcome: ExploreOutcome) => {
    if (settled) return;
    settled = true;
    settle(outcome);
  };
  const subscription = controller.onEvent((event) => {
    switch (event.type) {
      case 'run/created':
        watched.runId ??= event.run.runId;
        return;
      case 'run/event':
        if (event.runId !== watched.runId) return;
        onEvent(event.event);
        if (event.event.type === 'run/finished' && event.event.runId === watched.runId) {
          const { reason, report, error, turns } = event.event;
          finish({ reason, report, error, turns });
        }
        return;
      case 'notice':
        if (event.level === 'error') watched.lastError = event.message;
        return;
      case 'running':
        // A run that failed before its first event ends without run/finished; the controller has
        // said why in an error notice just before.
        if (!event.running) setImmediate(() => finish({ reason: 'error', error: watched.lastError ?? 'the run ended without a report', turns: 0 }));
        return;
      default:
        return;
    }
  });
  return watched;
}
