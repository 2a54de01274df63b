import { useEffect, useState } from 'react';
import { formatCount, formatDuration, plural } from '../format';
import { rootAgent, type RunTree } from '../state/runTree';

/** Turns, tool calls, tokens in/out, generation speed and elapsed time of one run. */
export function RunFooter({ tree, active }: { tree: RunTree; active: boolean }) {
  const agent = rootAgent(tree);
  const finished = agent?.finished;
  const startedAt = agent?.startedAt ?? tree.header.createdAt;
  const now = useClock(active && finished === undefined);
  const { stats } = tree;
  if (!agent) return null;
  const elapsed = finished ? finished.durationMs : Math.max(0, now - startedAt);
  const tokensPerSecond = stats.generationMs > 0 ? stats.completionTokens / (stats.generationMs / 1000) : undefined;
  return (
    <div className="run-footer" role="group" aria-label="Run statistics">
      <span>{plural(stats.turns, 'turn')}</span>
      <span>{plural(stats.toolCalls, 'tool call')}</span>
      <span title={`Tokens evaluated (in) and generated (out); the latest prompt held ${stats.promptTokens} tokens`}>
        {formatCount(stats.evaluatedTokens)} in / {formatCount(stats.completionTokens)} out tokens
      </span>
      {tokensPerSecond !== undefined && <span>{formatSpeed(tokensPerSecond)} tok/s</span>}
      <span>{formatDuration(elapsed)}</span>
    </div>
  );
}

/** One decimal where it tells something (a slow CPU), whole numbers above 100. */
function formatSpeed(tokensPerSecond: number): string {
  return tokensPerSecond >= 100 ? String(Math.round(tokensPerSecond)) : tokensPerSecond.toFixed(1);
}

/** The current time, ticking each second while `running`. */
function useClock(running: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!running) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [running]);
  return now;
}
