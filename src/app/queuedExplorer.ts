import { createEventSink } from '../agent/events';
import { runAgent } from '../agent/loop';
import type { ChatModel } from '../protocol/chatModel';
import { errorMessage } from '../protocol/errorMessage';
import type { Thoroughness } from '../protocol/webview';
import type { Tool } from '../tools/defineTool';
import { CANCELLED_BEFORE_START, WAITING_NOTICE, type Explorer } from './explorer';
import { whenAborted } from './whenAborted';

export interface QueuedExplorerOptions {
  /** The model of one call, asked for when the call's turn comes (a model that cannot be opened fails that call). */
  modelForCall(): Promise<ChatModel>;
  tools: ReadonlyMap<string, Tool>;
  maxTurnsFor(thoroughness: Thoroughness): number;
}

/**
 * The explorer of a process that serves other agents on its own (`locooperator mcp`): each call
 * is a fresh conversation (the callers' questions are unrelated), and calls take turns on the one
 * model, so a second caller waits instead of interleaving with the first's turns.
 */
export function queuedExplorer(options: QueuedExplorerOptions): Explorer {
  let tail: Promise<unknown> = Promise.resolve();
  /** Calls waiting or running. */
  let callers = 0;
  return {
    async run(request, { roots, signal, onEvent, onNotice }) {
      const before = tail;
      let release!: () => void;
      tail = new Promise<void>((resolve) => (release = resolve));
      if (callers > 0) onNotice(WAITING_NOTICE);
      callers++;
      try {
        await Promise.race([before, whenAborted(signal)]);
        if (signal.aborted) return CANCELLED_BEFORE_START;
        let model: ChatModel;
        try {
          model = await options.modelForCall();
        } catch (error) {
          return { reason: 'error', error: errorMessage(error), turns: 0 };
        }
        const outcome = await runAgent({
          model,
          tools: options.tools,
          task: request.task,
          cwd: request.cwd,
          roots,
          searchesAllRoots: request.scope.kind === 'workspace',
          maxTurns: options.maxTurnsFor(request.thoroughness),
          signal,
          emit: createEventSink(onEvent),
        });
        return { reason: outcome.reason, report: outcome.report, error: outcome.error, turns: outcome.turns };
      } finally {
        callers--;
        // A caller that gave up while waiting hands its place on only once those before it are done.
        void before.then(release);
      }
    },
  };
}
