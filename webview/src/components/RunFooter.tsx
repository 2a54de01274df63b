import { formatCount, formatDuration, plural } from '../format';
import { rootAgent, type RunTree } from '../state/runTree';
import { useClock } from '../useClock';

/**
 * Turns, tool calls, tokens in/out, generation speed and elapsed time of one run the agent
 * started. A run cut off by a window reload ran until its last recorded event, not until now.
 */
export function RunFooter({ tree, active }: { tree: RunTree; active: boolean }) {
  const agent = rootAgent(tree);
  const finished = agent?.finished;
  const now = useClock(active && finished === undefined);
  const { stats } = tree;
  const startedAt = agent?.startedAt;
  if (startedAt === undefined) return null;
  const elapsed = finished ? finished.durationMs : active ? now - startedAt : tree.header.updatedAt === undefined ? undefined : tree.header.updatedAt - startedAt;
  const tokensPerSecond = stats.generationMs > 0 ? stats.completionTokens / (stats.generationMs / 1000) : undefined;
  return (
    <div className="run-footer" role="group" aria-label="Run statistics">
      <span>{plural(stats.turns, 'turn')}</span>
      <span>{plural(stats.toolCalls, 'tool call')}</span>
      <span title={`Tokens evaluated (in) and generated (out); the latest prompt held ${stats.promptTokens} tokens`}>
        {formatCount(stats.evaluatedTokens)} in / {formatCount(stats.completionTokens)} out tokens
      </span>
      {tokensPerSecond !== undefined && <span>{formatSpeed(tokensPerSecond)} tok/s</span>}
      {elapsed !== undefined && <span>{formatDuration(Math.max(0, elapsed))}</span>}
    </div>
  );
}

/** One decimal where it tells something (a slow CPU), whole numbers above 100. */
function formatSpeed(tokensPerSecond: number): string {
  return tokensPerSecond >= 100 ? String(Math.round(tokensPerSecond)) : tokensPerSecond.toFixed(1);
}
