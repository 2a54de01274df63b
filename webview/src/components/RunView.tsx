import { memo } from 'react';
import type { Scope } from '../../../src/protocol/webview';
import { usePostToHost } from '../hostContext';
import { rootAgent, type RunTree } from '../state/runTree';
import { AgentTimeline, itemsBeforeReport } from './AgentTimeline';
import { SafeMarkdown } from './SafeMarkdown';
import { RunFooter } from './RunFooter';
import { RunTreeContext } from './runTreeContext';
import { scopeIcon } from './ScopeChip';

/**
 * One question of the session: the question, the live trace, and the outcome. `prefill` is how
 * far the model has read the prompt of the active run's turn, while it has not started writing.
 */
export const RunView = memo(function RunView({ tree, active, prefill }: { tree: RunTree; active: boolean; prefill?: number }) {
  const agent = rootAgent(tree);
  const finished = agent?.finished;
  return (
    <RunTreeContext.Provider value={tree}>
      <article className="run" aria-label={`Question: ${tree.header.question}`}>
        <div className="question">
          <span className="codicon codicon-comment" aria-hidden="true" />
          <div className="question-text">{tree.header.question}</div>
          <RunScope scope={tree.header.scope} />
        </div>
        {agent && (
          <AgentTimeline items={itemsBeforeReport(agent)} tools={tree.tools} subRuns={tree.subRuns} streaming={finished === undefined} />
        )}
        {active && finished === undefined && (
          <div className="working">
            <span className="codicon codicon-loading codicon-modifier-spin" aria-hidden="true" />{' '}
            {prefill === undefined ? 'Working…' : `Reading the prompt… ${Math.floor(prefill * 100)}%`}
          </div>
        )}
        {finished && <RunOutcome tree={tree} />}
        <RunFooter tree={tree} active={active} />
      </article>
    </RunTreeContext.Provider>
  );
});

function RunScope({ scope }: { scope: Scope }) {
  if (scope.kind === 'workspace') return null;
  return (
    <span className="run-scope" title={scope.path}>
      <span className={`codicon codicon-${scopeIcon(scope)}`} aria-hidden="true" /> {scope.label}
    </span>
  );
}

function RunOutcome({ tree }: { tree: RunTree }) {
  const post = usePostToHost();
  const finished = rootAgent(tree)!.finished!;
  const runId = tree.header.runId;
  const report = finished.report?.trim() ? finished.report : undefined;
  return (
    <>
      {finished.reason === 'cancelled' && (
        <div className="outcome outcome-info">
          <span className="codicon codicon-debug-stop" aria-hidden="true" /> Stopped. {report !== undefined && 'The report below is what the model had written.'}
        </div>
      )}
      {finished.reason === 'max_turns' && (
        <div className="outcome outcome-warning">
          <span className="codicon codicon-warning" aria-hidden="true" /> Reached the turn limit ({finished.turns} turns); the report may be incomplete. Choose
          “Very thorough” for a larger budget, or ask a follow-up.
        </div>
      )}
      {finished.reason === 'error' && (
        <div className="outcome outcome-error" role="alert">
          <span className="codicon codicon-error" aria-hidden="true" /> The run failed: {finished.error ?? 'unknown error'}
          <div className="outcome-actions">
            <button type="button" className="secondary-button" onClick={() => post({ type: 'log/show' })}>
              Show Log
            </button>
          </div>
        </div>
      )}
      {finished.reason === 'done' && report === undefined && (
        <div className="outcome outcome-info">
          <span className="codicon codicon-info" aria-hidden="true" /> The model finished without writing a report.
        </div>
      )}
      {report !== undefined && (
        <section className="report" aria-label="Report">
          <SafeMarkdown markdown={report} />
          <div className="report-actions">
            <button type="button" className="icon-text-button" onClick={() => post({ type: 'report/copy', runId })}>
              <span className="codicon codicon-copy" aria-hidden="true" /> Copy
            </button>
            <button type="button" className="icon-text-button" onClick={() => post({ type: 'report/save', runId })}>
              <span className="codicon codicon-save" aria-hidden="true" /> Save…
            </button>
            {/* "Open" fits beside Copy and Save… in a narrow side bar; the name says the whole action. */}
            <button
              type="button"
              className="icon-text-button"
              aria-label="Open in Editor"
              title="Open in Editor"
              onClick={() => post({ type: 'report/openInEditor', runId })}
            >
              <span className="codicon codicon-go-to-file" aria-hidden="true" /> Open
            </button>
          </div>
        </section>
      )}
    </>
  );
}
