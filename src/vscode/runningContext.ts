import type { RunController } from '../app/runController';

/**
 * The context key that is true while a question runs. package.json reads it: the Stop command's
 * enablement, its menu items, and its keybinding, which must not hold its keys when nothing runs.
 */
export const RUNNING_CONTEXT_KEY = 'locooperator.running';

/** Keeps the context key equal to whether a question runs, from now on. */
export function followRunning(
  controller: Pick<RunController, 'isRunning' | 'onEvent'>,
  setContext: (key: string, value: boolean) => void,
): { dispose(): void } {
  setContext(RUNNING_CONTEXT_KEY, controller.isRunning);
  return controller.onEvent((event) => {
    if (event.type === 'running') setContext(RUNNING_CONTEXT_KEY, event.running);
  });
}
