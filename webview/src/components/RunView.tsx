import { memo } from 'react';
import type { Scope } from '../../../src/protocol/webview';
import { usePostToHost } from '../hostContext';
import { ReferenceBaseContext } from '../links/linksContext';
import { rootAgent, type RunTree, type TextItem } from '../state/runTree';
import { AgentTimeline, ModelText, splitTrailingText } from './AgentTimeline';
import { RunFooter } from './RunFooter';
import { RunTreeContext } from './runTreeContext';
import { scopeIcon } from './ScopeChip';

interface RunViewProps {
  tree: RunTree;
  active: boolean;
  prefill?: number;
}

/** One question of the session, whose relative file references are looked for first where its run worked. */
export const RunView = memo(function RunView(props: RunViewProps) {
  return (
    <ReferenceBaseContext.Provider value={rootAgent(props.tree)?.cwd}>
      <RunCard {...props} />
    </ReferenceBaseContext.Provider>
  );
});

/**
 * One question of the session: the question, the live trace, and the outcome. `prefill` is how
 * far the model has read the prompt of the active run's turn, while it has not started writing.
 */
function RunCard({ tree, active, prefill }: RunViewProps) {
  const agent = rootAgent(tree);
  const finished = agent?.finished;
  const { trace, trailing } = splitTrailingText(agent?.items ?? []);
  const report = finished?.report?.trim() ? finished.report : undefined;
  return (
    <article className="run" aria-label={`Question: ${tree.header.question}`}>
      <div className="question">
        <span className="codicon codicon-comment" aria-hidden="true" />
        <div className="question-text">{tree.header.question}</div>
        <RunScope scope={tree.header.scope} />
      </div>
      {agent && (
        // Only the trace holds sub-agent timelines. Outside it, a provider whose value changes
        // with every delta would make React search the whole report for readers of it.
        <RunTreeContext.Provider value={tree}>
          <AgentTimeline items={trace} tools={tree.tools} subRuns={tree.subRuns} streaming={false} />
        </RunTreeContext.Provider>
      )}
      {finished && <RunOutcome tree={tree} hasReport={report !== undefined} />}
      {(report !== undefined || trailing.length > 0) && (
        <RunText runId={tree.header.runId} trailing={trailing} report={report} streaming={finished === undefined} />
      )}
      {active && finished === undefined && (
        <div className="working">
          <span className="codicon codicon-loading codicon-modifier-spin" aria-hidden="true" />{' '}
          {prefill === undefined ? 'Working…' : `Reading the prompt… ${Math.floor(prefill * 100)}%`}
        </div>
      )}
      <RunFooter tree={tree} active={active} />
    </article>
  );
}

function RunScope({ scope }: { scope: Scope }) {
  if (scope.kind === 'workspace') return null;
  return (
    <span className="run-scope" title={scope.path}>
      <span className={`codicon codicon-${scopeIcon(scope)}`} aria-hidden="true" /> {scope.label}
    </span>
  );
}

/** How the run ended, when that needs saying: stopped, out of turns, failed, or no report. */
function RunOutcome({ tree, hasReport }: { tree: RunTree; hasReport: boolean }) {
  const post = usePostToHost();
  const finished = rootAgent(tree)!.finished!;
  return (
    <>
      {finished.reason === 'cancelled' && (
        <div className="outcome outcome-info">
          <span className="codicon codicon-stop-circle" aria-hidden="true" /> Stopped. {hasReport && 'The report below is what the model had written.'}
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
      {finished.reason === 'done' && !hasReport && (
        <div className="outcome outcome-info">
          <span className="codicon codicon-info" aria-hidden="true" /> The model finished without writing a report.
        </div>
      )}
    </>
  );
}

interface RunTextProps {
  runId: string;
  /** The text after the last tool call, as it streamed. */
  trailing: readonly TextItem[];
  /** The finished run's report, which replaces that text. */
  report?: string;
  streaming: boolean;
}

/**
 * The model's text after its last tool call, then the report it becomes. The report takes the
 * place (and the key) of the text it replaces, so the blocks rendered while it streamed stay on
 * screen instead of a 200 kB report being rendered again from nothing when the run finishes.
 */
function RunText({ runId, trailing, report, streaming }: RunTextProps) {
  const post = usePostToHost();
  // Always an array of keyed items, so that React matches the report to the streamed text by key.
  const texts =
    report === undefined
      ? trailing.map((item, index) => <ModelText key={item.id} text={item.text} streaming={streaming && index === trailing.length - 1} />)
      : [<ModelText key={trailing[trailing.length - 1]?.id ?? 'report'} text={report} streaming={false} />];
  return (
    <section className={report === undefined ? 'run-text' : 'report'} aria-label={report === undefined ? undefined : 'Report'}>
      {texts}
      {report !== undefined && (
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
      )}
    </section>
  );
}
