import { memo, useState } from 'react';
import type { ModelAction, Scope } from '../../../src/protocol/webview';
import { formatElapsed } from '../format';
import { usePostToHost } from '../hostContext';
import { ReferenceBaseContext } from '../links/linksContext';
import { rootAgent, type RunTree, type TextItem } from '../state/runTree';
import type { RunWait } from '../state/runWait';
import { useClock } from '../useClock';
import { AgentTimeline, ModelText, splitTrailingText } from './AgentTimeline';
import { modelActions } from './modelActions';
import { RunFooter } from './RunFooter';
import { RunTreeContext } from './runTreeContext';
import { scopeIcon } from './ScopeChip';

interface RunViewProps {
  tree: RunTree;
  active: boolean;
  /** What the active run waits for, while it waits. */
  wait?: RunWait;
  /** The model's fixes for the error this run failed with (the model panel leaves it to the run). */
  fixes?: readonly ModelAction[];
  /** Whether Retry is offered (a run of the live session) and can be pressed now (no other question runs). */
  retry?: 'ready' | 'busy';
}

/** One question of the session, whose relative file references are looked for first where its run worked. */
export const RunView = memo(function RunView(props: RunViewProps) {
  return (
    <ReferenceBaseContext.Provider value={rootAgent(props.tree)?.cwd}>
      <RunCard {...props} />
    </ReferenceBaseContext.Provider>
  );
});

/** One question of the session: the question, the live trace (or what it waits for), and the outcome. */
function RunCard({ tree, active, wait, fixes, retry }: RunViewProps) {
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
      {finished && <RunOutcome tree={tree} hasReport={report !== undefined} fixes={fixes} retry={retry} />}
      {(report !== undefined || trailing.length > 0) && (
        <RunText runId={tree.header.runId} trailing={trailing} report={report} streaming={active && finished === undefined} />
      )}
      {/* After the text it cut short. */}
      {!finished && tree.header.interrupted && <Interrupted runId={tree.header.runId} retry={retry} />}
      {active &&
        finished === undefined &&
        (wait ? (
          <WaitLine key={wait.key} wait={wait} />
        ) : (
          <div className="working">
            <span className="codicon codicon-loading codicon-modifier-spin" aria-hidden="true" /> Working…
          </div>
        ))}
      <RunFooter tree={tree} active={active} />
    </article>
  );
}

/** What the run waits for and for how long, in whole seconds: the line alone re-renders, once a second. */
function WaitLine({ wait }: { wait: RunWait }) {
  const [since] = useState(() => wait.since ?? Date.now());
  const now = useClock(true);
  return (
    <div className="working run-wait">
      <span className="codicon codicon-loading codicon-modifier-spin" aria-hidden="true" />
      <span className="run-wait-text">{wait.text}</span>
      <span className="run-wait-time">{formatElapsed(now - since)}</span>
    </div>
  );
}

function RetryButton({ runId, retry }: { runId: string; retry: 'ready' | 'busy' }) {
  const post = usePostToHost();
  return (
    <button
      type="button"
      className="primary-button"
      disabled={retry === 'busy'}
      title={retry === 'busy' ? 'A question is running: stop it or wait for it to finish.' : 'Ask the same question again, as a new run'}
      onClick={() => post({ type: 'run/retry', runId })}
    >
      Retry
    </button>
  );
}

/** A run a window reload or a crash cut off: it says so, and that the conversation goes on without it. */
/** The icon of a run that a reload or a crash cut off, here and in History. */
export const INTERRUPTED_ICON = 'debug-disconnect';

function Interrupted({ runId, retry }: { runId: string; retry?: 'ready' | 'busy' }) {
  return (
    <div className="outcome outcome-warning">
      <span className={`codicon codicon-${INTERRUPTED_ICON}`} aria-hidden="true" /> Interrupted: the window was reloaded or closed while this run was going.
      Follow-up questions do not see what it found.
      {retry && (
        <div className="outcome-actions">
          <RetryButton runId={runId} retry={retry} />
        </div>
      )}
    </div>
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

/** How the run ended, when that needs saying: stopped, out of turns, failed (with Retry and the fixes that apply), or no report. */
function RunOutcome({ tree, hasReport, fixes = [], retry }: { tree: RunTree; hasReport: boolean; fixes?: readonly ModelAction[]; retry?: 'ready' | 'busy' }) {
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
            {retry && <RetryButton runId={tree.header.runId} retry={retry} />}
            {[...fixes, ...(fixes.includes('showLog') ? [] : (['showLog'] as const))].map((action) => (
              <button key={action} type="button" className="secondary-button" onClick={() => post(modelActions[action].message)}>
                {modelActions[action].label}
              </button>
            ))}
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
