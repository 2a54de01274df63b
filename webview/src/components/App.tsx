import { startTransition, useCallback, useEffect, useLayoutEffect, useReducer, useRef, useState } from 'react';
import type { HostToWebview, ModelAction, ModelStatus, Thoroughness } from '../../../src/protocol/webview';
import { HostContext } from '../hostContext';
import { WorkspaceRootsContext } from '../workspacePaths';
import { FileLinks } from '../links/fileLinks';
import { LinksContext } from '../links/linksContext';
import { rootAgent } from '../state/runTree';
import { runWait, type RunWait } from '../state/runWait';
import { initialView, viewReducer, type ViewMessage, type ViewModel } from '../state/viewReducer';
import type { HostChannel } from '../vscodeApi';
import { Composer } from './Composer';
import { HistoryList } from './HistoryList';
import { ModelPanel } from './ModelPanel';
import { NoticeBar } from './NoticeBar';
import { RestrictedModeLine } from './RestrictedModeLine';
import { RunView } from './RunView';

/** The "Ask LocoOperator" view: a replica of the host's state plus the question box. */
export function App({ host }: { host: HostChannel }) {
  const [view, dispatch] = useReducer(viewReducer, initialView);
  const [links] = useState(() => new FileLinks(host.post));
  const [initialDraft] = useState(() => host.loadDraft());
  useHostMessages(host, links, dispatch);

  const busy = view.activeRunId !== undefined;
  useEffect(() => {
    if (!busy) return;
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key === 'Escape') host.post({ type: 'run/stop' });
    };
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  }, [busy, host]);

  const { scroller, content } = useStickToBottom(view);

  const ask = useCallback(
    (question: string) => host.post({ type: 'run/start', question, scope: view.scope, thoroughness: view.thoroughness }),
    [host, view.scope, view.thoroughness],
  );
  const chooseThoroughness = useCallback(
    (thoroughness: Thoroughness) => {
      dispatch({ type: 'thoroughness/choose', thoroughness });
      host.post({ type: 'thoroughness/set', thoroughness });
    },
    [host],
  );
  const clearScope = useCallback(() => {
    dispatch({ type: 'scope/clear' });
    host.post({ type: 'scope/clear' });
  }, [host]);

  const hasRuns = view.runOrder.length > 0;
  const { panelModel, wait, failedRunId, fixes } = runAndModel(view);
  const retry = view.pastSession ? undefined : busy ? 'busy' : 'ready';
  return (
    <HostContext.Provider value={host.post}>
      <LinksContext.Provider value={links}>
        <WorkspaceRootsContext.Provider value={view.roots}>
          <div className="app">
            <ModelPanel model={panelModel} />
            {view.untrusted && <RestrictedModeLine onManageTrust={() => host.post({ type: 'workspace/manageTrust' })} />}
            <NoticeBar notice={view.notice} onDismiss={() => dispatch({ type: 'notice/dismiss' })} />
            {view.pastSession && (
              <div className="notice past-session" role="status">
                <span className="codicon codicon-history" aria-hidden="true" />
                <span className="notice-message">Viewing a past session.</span>
                <button type="button" className="text-button" onClick={() => host.post({ type: 'session/showCurrent' })}>
                  Back to current session
                </button>
              </div>
            )}
            <main className="conversation" ref={scroller}>
              <div ref={content}>
                {hasRuns ? (
                  <>
                    <div className="toolbar">
                      {view.history.length > 0 && (
                        <details className="history-section">
                          <summary>History ({view.history.length})</summary>
                          <HistoryList entries={view.history} />
                        </details>
                      )}
                      <button type="button" className="icon-text-button" disabled={busy} onClick={() => host.post({ type: 'session/new' })}>
                        <span className="codicon codicon-add" aria-hidden="true" /> New Session
                      </button>
                    </div>
                    {view.runOrder.map((runId) => (
                      <RunView
                        key={runId}
                        tree={view.runs[runId]!}
                        active={runId === view.activeRunId}
                        wait={runId === view.activeRunId ? wait : undefined}
                        fixes={runId === failedRunId ? fixes : undefined}
                        retry={retry}
                      />
                    ))}
                  </>
                ) : (
                  <Welcome view={view} />
                )}
              </div>
            </main>
            <Composer
              busy={busy}
              scope={view.scope}
              thoroughness={view.thoroughness}
              model={view.model}
              focusRequests={view.focusRequests}
              placeholder={placeholderFor(view, hasRuns)}
              initialDraft={initialDraft}
              onDraft={host.saveDraft}
              onStartTyping={() => host.post({ type: 'model/warm' })}
              onAsk={ask}
              onStop={() => host.post({ type: 'run/stop' })}
              onClearScope={clearScope}
              onThoroughness={chooseThoroughness}
            />
            <div className="visually-hidden" aria-live="polite">
              {/* A new node per run, so that the same words are announced again for the next run. */}
              <span key={view.finishedRunId}>{announcement(view)}</span>
            </div>
          </div>
        </WorkspaceRootsContext.Provider>
      </LinksContext.Provider>
    </HostContext.Provider>
  );
}

/**
 * Where the model's state is shown, so that nothing is said twice: while the active run waits
 * for a loading model, the run says so (not the panel too); when the latest run failed with the
 * error the model is in, the run shows it with the model's fixes, and the panel stays empty.
 */
function runAndModel(view: ViewModel): { panelModel?: ModelStatus; wait?: RunWait; failedRunId?: string; fixes?: readonly ModelAction[] } {
  const active = view.activeRunId === undefined ? undefined : view.runs[view.activeRunId];
  const wait = active && runWait(active, view.model);
  const latestId = view.runOrder.at(-1);
  const latest = latestId === undefined ? undefined : rootAgent(view.runs[latestId]!)?.finished;
  const model = view.model;
  if (model?.state === 'error' && latest?.reason === 'error' && latest.error === model.message && !view.pastSession) {
    return { wait, failedRunId: latestId, fixes: model.actions };
  }
  return { panelModel: wait && model?.state === 'loading' ? undefined : model, wait };
}

function placeholderFor(view: ViewModel, hasRuns: boolean): string {
  if (view.pastSession) return 'Ask a new question…';
  return hasRuns ? 'Ask a follow-up…' : 'Ask about this codebase… (Enter to ask, Shift+Enter for a new line)';
}

function Welcome({ view }: { view: ViewModel }) {
  return (
    <div className="welcome">
      {view.connected && (
        <p className="welcome-text">
          Ask how something works, where something is defined, or what a folder is for. LocoOperator reads, searches and lists files
          with a model that runs on this machine; it never changes them.
        </p>
      )}
      {view.history.length > 0 && (
        <>
          <h2 className="section-title">Recent questions</h2>
          <HistoryList entries={view.history} />
        </>
      )}
    </div>
  );
}

/** Announced once per run that finished while the view watched; never token by token. */
function announcement(view: ViewModel): string {
  const tree = view.finishedRunId === undefined ? undefined : view.runs[view.finishedRunId];
  const finished = tree && rootAgent(tree)?.finished;
  if (!finished) return '';
  switch (finished.reason) {
    case 'done':
      return 'LocoOperator finished. The report is ready.';
    case 'max_turns':
      return 'LocoOperator reached its turn limit. The report may be incomplete.';
    case 'cancelled':
      return 'LocoOperator stopped.';
    case 'error':
      return `LocoOperator failed: ${finished.error ?? 'unknown error'}`;
  }
}

/**
 * Applies host messages once per animation frame: a model streams tens of deltas a second, and
 * rendering once per frame keeps a long run smooth. The render is a transition, which React
 * interrupts for the user's input: a keystroke in the question box never waits for a report
 * to render. Verdicts on file references go to FileLinks in the same frame; a snapshot replaces
 * them.
 */
function useHostMessages(host: HostChannel, links: FileLinks, dispatch: (action: { type: 'batch'; messages: ViewMessage[] }) => void) {
  useEffect(() => {
    let queue: HostToWebview[] = [];
    let frame: number | undefined;
    const flush = () => {
      frame = undefined;
      const messages = queue;
      queue = [];
      const forView: ViewMessage[] = [];
      for (const message of messages) {
        if (message.type === 'links/resolved') links.resolve(message.links);
        else {
          if (message.type === 'state/snapshot') links.reset(message.state.links);
          forView.push(message);
        }
      }
      if (forView.length > 0) startTransition(() => dispatch({ type: 'batch', messages: forView }));
    };
    const unsubscribe = host.subscribe((message) => {
      queue.push(message);
      frame ??= requestAnimationFrame(flush);
    });
    host.post({ type: 'webview/ready' });
    return () => {
      unsubscribe();
      if (frame !== undefined) cancelAnimationFrame(frame);
    };
  }, [host, links, dispatch]);
}

/**
 * Keeps the conversation scrolled to the end while the reader is at the end. Content grows after
 * the messages that caused it (links resolve, code is highlighted, a card opens), so the content's
 * size is watched too; a resize costs one layout read, never one per token.
 */
function useStickToBottom(view: ViewModel) {
  const scroller = useRef<HTMLElement>(null);
  const content = useRef<HTMLDivElement>(null);
  const atEnd = useRef(true);
  useEffect(() => {
    const node = scroller.current;
    const inner = content.current;
    if (!node || !inner) return;
    let lastTop = node.scrollTop;
    // A scroll event comes a frame after the scroll: a fast stream may have added more than the
    // margin meanwhile. Only a move up is the reader leaving the end; any move that reaches it
    // comes back.
    const onScroll = () => {
      const nearEnd = node.scrollHeight - node.scrollTop - node.clientHeight < 48;
      if (nearEnd || node.scrollTop < lastTop) atEnd.current = nearEnd;
      lastTop = node.scrollTop;
    };
    node.addEventListener('scroll', onScroll, { passive: true });
    const resizes = new ResizeObserver(() => {
      if (atEnd.current) node.scrollTop = node.scrollHeight;
    });
    resizes.observe(inner);
    resizes.observe(node);
    return () => {
      node.removeEventListener('scroll', onScroll);
      resizes.disconnect();
    };
  }, []);
  useLayoutEffect(() => {
    const node = scroller.current;
    if (node && atEnd.current) node.scrollTop = node.scrollHeight;
  }, [view.runs, view.runOrder]);
  return { scroller, content };
}
