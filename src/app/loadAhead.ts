import type { Settings } from '../protocol/settings';

/** What can start the model loading before a question is asked. */
export type LoadAheadTrigger = 'typing' | 'agentCall' | 'viewOpened';

/**
 * Whether `locooperator.model.loadWhen` lets this start the model loading: onType at the first
 * keystroke of a question and when another agent's call waits for the user's confirmation (the
 * question is on its way either way); onOpen also when the Ask view opens; onAsk never ahead.
 */
export function loadsAhead(when: Settings['model.loadWhen'], trigger: LoadAheadTrigger): boolean {
  if (when === 'onAsk') return false;
  return when === 'onOpen' || trigger !== 'viewOpened';
}
