import { memo } from 'react';
import type { RunFinishReason } from '../../../src/protocol/agentEvent';
import type { HistoryEntry } from '../../../src/protocol/webview';
import { formatDuration, plural } from '../format';
import { usePostToHost } from '../hostContext';
import { INTERRUPTED_ICON } from './RunView';

const reasonIcons: Record<RunFinishReason, string> = {
  done: 'check',
  max_turns: 'warning',
  cancelled: 'circle-slash',
  error: 'error',
};

const reasonLabels: Record<RunFinishReason, string> = {
  done: 'finished',
  max_turns: 'reached the turn limit',
  cancelled: 'stopped',
  error: 'failed',
};

/** A run cut off by a reload or a crash, with the icon its own view shows. */
const INTERRUPTED = { icon: INTERRUPTED_ICON, label: 'interrupted' };

/** Past questions of this workspace, newest first: reopen one with its trace, or delete it. */
export const HistoryList = memo(function HistoryList({ entries }: { entries: readonly HistoryEntry[] }) {
  const post = usePostToHost();
  if (entries.length === 0) return null;
  return (
    <ul className="history" aria-label="History">
      {entries.map((entry) => {
        const details = [
          new Date(entry.createdAt).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' }),
          entry.toolCalls !== undefined ? plural(entry.toolCalls, 'tool call') : undefined,
          entry.durationMs !== undefined ? formatDuration(entry.durationMs) : undefined,
        ].filter(Boolean);
        const outcome = entry.reason ? { icon: reasonIcons[entry.reason], label: reasonLabels[entry.reason] } : entry.interrupted ? INTERRUPTED : undefined;
        return (
          <li key={entry.runId} className="history-entry">
            <button type="button" className="history-open" onClick={() => post({ type: 'history/open', runId: entry.runId })}>
              <span className={`codicon codicon-${outcome?.icon ?? 'history'}`} aria-hidden="true" />
              <span className="history-text">
                <span className="history-question">{entry.question}</span>
                <span className="history-details">
                  {details.join(' · ')}
                  {outcome && <span className="visually-hidden">, {outcome.label}</span>}
                </span>
              </span>
            </button>
            <button
              type="button"
              className="icon-button"
              aria-label={`Delete “${entry.question}” from history`}
              title="Delete from history"
              onClick={() => post({ type: 'history/delete', runId: entry.runId })}
            >
              <span className="codicon codicon-trash" aria-hidden="true" />
            </button>
          </li>
        );
      })}
    </ul>
  );
});
