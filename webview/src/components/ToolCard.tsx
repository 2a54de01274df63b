import { memo, useId, useState } from 'react';
import type { ToolStatus } from '../../../src/protocol/agentEvent';
import { formatCount, formatDuration } from '../format';
import type { ToolView } from '../state/runTree';
import { useWorkspaceRoots, withRelativePaths } from '../workspacePaths';
import { LinkifiedText } from './LinkifiedText';
import { SubAgentRun } from './SubAgentRun';
import { toolIcon } from './toolIcons';

/** How much of a result a card shows before "Show all". */
export const resultPreviewChars = 4000;
/** Arguments are the model's; a runaway one is cut rather than rendered whole. */
const argumentChars = 20_000;

interface ToolCardProps {
  tool: ToolView;
  /** Sub-agent runs started by this (Task) call. */
  subRunIds?: readonly string[];
}

/**
 * One tool call. Memoized on its own view object, which the reducer replaces only for this
 * call's events; the body (arguments, result, sub-agent) renders only while expanded.
 */
export const ToolCard = memo(function ToolCard({ tool, subRunIds }: ToolCardProps) {
  const name = tool.call?.name;
  const [open, setOpen] = useState(name === 'Task');
  const status: ToolStatus = tool.result?.status ?? 'running';
  const fullTitle = tool.result?.title || tool.call?.title || name || 'Tool call';
  // Workspace paths take a narrow side bar's whole width; the tooltip keeps them.
  const title = withRelativePaths(fullTitle, useWorkspaceRoots());
  const id = useId();

  return (
    <div className={`tool-card status-${status}`}>
      <div
        className="tool-card-header"
        onClick={(event) => {
          // Clicks on a file link inside the title open the file, not the card.
          if (!(event.target as HTMLElement).closest('button')) setOpen(!open);
        }}
      >
        <button
          type="button"
          className="icon-button tool-card-toggle"
          aria-expanded={open}
          aria-controls={`${id}-body`}
          aria-labelledby={`${id}-title ${id}-status`}
          onClick={() => setOpen(!open)}
        >
          <span className={`codicon codicon-chevron-${open ? 'down' : 'right'}`} aria-hidden="true" />
        </button>
        <span className={`codicon codicon-${toolIcon(name)} tool-icon`} aria-hidden="true" />
        <span className="tool-title" id={`${id}-title`} title={title === fullTitle ? undefined : fullTitle}>
          <LinkifiedText text={title} />
        </span>
        <span className="tool-status" id={`${id}-status`}>
          <StatusIcon status={status} />
          <span className="visually-hidden">{status}</span>
          {tool.result && <span className="tool-duration">{formatDuration(tool.result.durationMs)}</span>}
        </span>
      </div>
      {open && (
        <div className="tool-card-body" id={`${id}-body`}>
          <ToolArguments args={tool.call?.args} />
          {subRunIds?.map((runId) => <SubAgentRun key={runId} runId={runId} />)}
          {tool.result ? (
            <ToolOutput output={tool.result.output} truncated={tool.result.truncated} />
          ) : (
            <div className="tool-pending">Running…</div>
          )}
        </div>
      )}
    </div>
  );
});

const statusIcons: Record<ToolStatus, string> = {
  running: 'loading codicon-modifier-spin',
  done: 'check',
  error: 'error',
  refused: 'circle-slash',
};

function StatusIcon({ status }: { status: ToolStatus }) {
  return <span className={`codicon codicon-${statusIcons[status]}`} aria-hidden="true" title={status} />;
}

function ToolArguments({ args }: { args: unknown }) {
  if (args === undefined) return null;
  const text = JSON.stringify(args, null, 2) ?? String(args);
  return (
    <div className="tool-section">
      <div className="tool-section-label">Arguments</div>
      <pre className="tool-pre">{text.length > argumentChars ? `${text.slice(0, argumentChars)}…` : text}</pre>
    </div>
  );
}

function ToolOutput({ output, truncated }: { output: string; truncated: boolean }) {
  const [showAll, setShowAll] = useState(false);
  const capped = !showAll && output.length > resultPreviewChars;
  const shown = capped ? output.slice(0, resultPreviewChars) : output;
  return (
    <div className="tool-section">
      <div className="tool-section-label">
        Result
        {truncated && <span className="tool-note"> · shortened for the model</span>}
      </div>
      <pre className="tool-pre">
        {shown === '' ? <span className="tool-note">(no output)</span> : <LinkifiedText text={shown} />}
      </pre>
      {capped && (
        <button type="button" className="text-button" onClick={() => setShowAll(true)}>
          Show all ({formatCount(output.length)} characters)
        </button>
      )}
    </div>
  );
}
