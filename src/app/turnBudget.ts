import type { Settings } from '../protocol/settings';
import type { Thoroughness } from '../protocol/webview';

/** How many turns a run of each thoroughness may take (the `locooperator.maxTurns.*` settings). */
export function turnBudget(thoroughness: Thoroughness, settings: Pick<Settings, 'maxTurns.quick' | 'maxTurns.medium' | 'maxTurns.thorough'>): number {
  if (thoroughness === 'quick') return settings['maxTurns.quick'];
  if (thoroughness === 'veryThorough') return settings['maxTurns.thorough'];
  return settings['maxTurns.medium'];
}
