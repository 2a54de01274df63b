import type {
  HistoryEntry,
  HostToWebview,
  ModelStatus,
  RunHeader,
  Scope,
  Thoroughness,
  WorkspaceFolder,
} from '../../../src/protocol/webview';
import type { AgentEvent } from '../../../src/protocol/agentEvent';
import { addEvent, emptyTree, isFinished, treeFromRecord, type RunTree } from './runTree';

export interface Notice {
  level: 'info' | 'warning' | 'error';
  message: string;
}

/**
 * What the view shows. The host's `state/snapshot` replaces all of it but the local bits; the
 * verdicts on file references live in FileLinks.
 */
export interface ViewModel {
  /** False until the first snapshot: the host has not answered `webview/ready` yet. */
  connected: boolean;
  sessionId: string;
  /** The workspace folders, for showing paths relative to them. */
  roots: readonly WorkspaceFolder[];
  /** A session reopened from history is shown instead of the live one. */
  pastSession: boolean;
  /** The workspace is not trusted (Restricted Mode). */
  untrusted: boolean;
  /** The session's questions, oldest first. */
  runOrder: readonly string[];
  runs: Readonly<Record<string, RunTree>>;
  activeRunId?: string;
  history: readonly HistoryEntry[];
  model?: ModelStatus;
  scope: Scope;
  thoroughness: Thoroughness;
  notice?: Notice;
  /** Bumped by `ui/focusInput`; the question box focuses itself when it changes. */
  focusRequests: number;
  /** Set when a run finishes while the view watches it, for the screen-reader announcement. */
  finishedRunId?: string;
}

/** The host's messages the view state holds: verdicts on file references go to FileLinks instead. */
export type ViewMessage = Exclude<HostToWebview, { type: 'links/resolved' }>;

export type ViewAction =
  | ViewMessage
  | { type: 'batch'; messages: readonly ViewMessage[] }
  | { type: 'notice/dismiss' }
  | { type: 'scope/clear' }
  | { type: 'thoroughness/choose'; thoroughness: Thoroughness };

export const initialView: ViewModel = {
  connected: false,
  sessionId: '',
  roots: [],
  pastSession: false,
  untrusted: false,
  runOrder: [],
  runs: {},
  history: [],
  scope: { kind: 'workspace' },
  thoroughness: 'medium',
  focusRequests: 0,
};

export function viewReducer(view: ViewModel, action: ViewAction): ViewModel {
  switch (action.type) {
    case 'batch':
      return action.messages.reduce(viewReducer, view);
    case 'state/snapshot': {
      const { state } = action;
      const runs: Record<string, RunTree> = {};
      for (const record of state.runs) runs[record.runId] = treeFromRecord(record);
      const active = state.activeRunId !== undefined && runs[state.activeRunId];
      return {
        ...view,
        connected: true,
        sessionId: state.sessionId,
        roots: state.roots,
        pastSession: state.pastSession === true,
        untrusted: state.untrusted === true,
        runOrder: state.runs.map((run) => run.runId),
        runs,
        activeRunId: active && !isFinished(active) ? state.activeRunId : undefined,
        history: newestFirst(state.history),
        model: state.model,
        scope: state.scope,
        thoroughness: state.thoroughness,
        finishedRunId: undefined,
        // A notice was about the session it came in (a question refused while one ran): New Session ends it.
        notice: state.sessionId === view.sessionId ? view.notice : undefined,
      };
    }
    case 'run/created':
      return onRunCreated(view, action.run);
    case 'run/event': {
      // Another session's events (a history entry is on screen) come back in its snapshot.
      if (action.sessionId !== view.sessionId) return view;
      const known = view.runs[action.runId];
      const withRun = known ? view : onRunCreated(view, placeholderHeader(view, action.runId, action.event));
      const before = withRun.runs[action.runId]!;
      const tree = addEvent(before, action.event);
      if (tree === before) return view;
      const finishedNow = !isFinished(before) && isFinished(tree);
      return {
        ...withRun,
        runs: { ...withRun.runs, [action.runId]: tree },
        activeRunId: finishedNow && withRun.activeRunId === action.runId ? undefined : withRun.activeRunId,
        finishedRunId: finishedNow ? action.runId : withRun.finishedRunId,
        // Notices are about the question that ran ("one at a time"): its end is theirs.
        notice: finishedNow ? undefined : withRun.notice,
      };
    }
    case 'model/status':
      return { ...view, model: action.status };
    case 'history/list':
      return { ...view, history: newestFirst(action.entries) };
    case 'scope/set':
      return { ...view, scope: action.scope };
    case 'ui/focusInput':
      return { ...view, focusRequests: view.focusRequests + 1 };
    case 'ui/notice':
      return { ...view, notice: { level: action.level, message: action.message } };
    case 'notice/dismiss':
      return { ...view, notice: undefined };
    case 'scope/clear':
      return { ...view, scope: { kind: 'workspace' } };
    case 'thoroughness/choose':
      return { ...view, thoroughness: action.thoroughness };
  }
}

function onRunCreated(view: ViewModel, header: RunHeader): ViewModel {
  if (header.sessionId !== view.sessionId) return view;
  const known = view.runs[header.runId];
  const tree = known ? { ...known, header } : emptyTree(header);
  return {
    ...view,
    runOrder: known ? view.runOrder : [...view.runOrder, header.runId],
    runs: { ...view.runs, [header.runId]: tree },
    activeRunId: isFinished(tree) ? view.activeRunId : header.runId,
    notice: undefined,
  };
}

/** A header for events whose `run/created` was missed (the view was hidden when it came). */
function placeholderHeader(view: ViewModel, runId: string, event: AgentEvent): RunHeader {
  const started = event.type === 'run/started' ? event : undefined;
  return {
    runId,
    sessionId: view.sessionId,
    question: started?.task ?? '',
    scope: view.scope,
    thoroughness: view.thoroughness,
    createdAt: started?.startedAt ?? 0,
  };
}

function newestFirst(entries: readonly HistoryEntry[]): HistoryEntry[] {
  return [...entries].sort((a, b) => b.createdAt - a.createdAt);
}
