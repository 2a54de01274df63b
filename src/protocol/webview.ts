import { z } from 'zod';
import { AgentEvent, RunFinishReason } from './agentEvent';
import { FileReference } from './fileReference';

/**
 * Messages between the "Ask LocoOperator" webview and the extension host.
 *
 * Flow:
 * 1. The webview mounts and posts `webview/ready`. The host answers with `state/snapshot`
 *    (and sends it again whenever the view becomes visible: a hidden webview drops messages).
 *    The webview replaces its whole state with the snapshot.
 * 2. A question: the webview posts `run/start`; the host posts `run/created` (the run's header)
 *    at once, before the model is opened (it may still load, download or connect), then streams
 *    each `AgentEvent` as `run/event`, fire-and-forget. Every run ends with its root's
 *    `run/finished`, a run that failed before the model saw it too. Events carry a `seq` that is
 *    monotonic per root run (sub-agent events included); the webview merges by seq, drops
 *    duplicates and tolerates reordering, so a snapshot followed by late events is harmless.
 *    Commands such as Explain This Folder start runs from the host side with the same messages,
 *    preceded by `scope/set`.
 * 3. File references: the webview finds references with `findFileReferences`, posts
 *    `links/verify`, and links only those the host answers in `links/resolved` with
 *    `exists: true`. A click posts `file/open` with the path the host resolved; the host checks
 *    again that it lies inside the workspace before opening it.
 * 4. The model's state (`model/status`) drives the model-needed panel, download progress and
 *    error panel; their buttons post `model/download`, `model/selectFile`, `log/show`, ….
 *
 * Both sides `safeParse` every message and log-and-drop an invalid one.
 */

/** Quick / medium / very thorough: the host maps each to a turn budget (settings). */
export const Thoroughness = z.enum(['quick', 'medium', 'veryThorough']);
export type Thoroughness = z.infer<typeof Thoroughness>;

/** What a run explores: the whole workspace, or what Explain This Folder/File/Selection picked. */
export const Scope = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('workspace') }),
  z.object({ kind: z.literal('folder'), path: z.string().max(4096), label: z.string().max(4096) }),
  z.object({ kind: z.literal('file'), path: z.string().max(4096), label: z.string().max(4096) }),
  z.object({
    kind: z.literal('selection'),
    path: z.string().max(4096),
    label: z.string().max(4096),
    startLine: z.number().int().positive(),
    endLine: z.number().int().positive(),
  }),
]);
export type Scope = z.infer<typeof Scope>;

/** The header of one question (a root run) in a session. */
export const RunHeader = z.object({
  /** The root run's id: the `runId` of its own `run/started` event. */
  runId: z.string(),
  sessionId: z.string(),
  /** What the user asked, or the command's short phrasing ("Explain src/server"). */
  question: z.string(),
  scope: Scope,
  thoroughness: Thoroughness,
  createdAt: z.number(),
  /** What the model is asked, and the folder it works in: Retry asks the same again. Absent in runs saved by older versions. */
  task: z.string().optional(),
  cwd: z.string().optional(),
  /** When its latest event was recorded: where a run cut off by a window reload or a crash got to. */
  updatedAt: z.number().optional(),
  /**
   * Read back from storage without an end: a window reload or a crash of the extension host cut
   * it off. The conversation a follow-up continues does not hold it.
   */
  interrupted: z.boolean().optional(),
});
export type RunHeader = z.infer<typeof RunHeader>;

/** A root run with every event of its tree (sub-agents included), for snapshots and history. */
export const RunRecord = RunHeader.extend({
  events: z.array(AgentEvent),
});
export type RunRecord = z.infer<typeof RunRecord>;

export const HistoryEntry = z.object({
  runId: z.string(),
  sessionId: z.string(),
  question: z.string(),
  createdAt: z.number(),
  /** Absent while the run is still going (or was interrupted by a reload). */
  reason: RunFinishReason.optional(),
  durationMs: z.number().nonnegative().optional(),
  toolCalls: z.number().int().nonnegative().optional(),
  /** Set in the view's state, never stored: the run has no end and is not going, so a reload or a crash cut it off. */
  interrupted: z.boolean().optional(),
});
export type HistoryEntry = z.infer<typeof HistoryEntry>;

/**
 * Why the host did not link a reference: no such file; the line (or the range's end) is past the
 * end of the file; line 0, which no file has; a range that ends before it starts; the path lies
 * outside the workspace (`~/.config/app.toml` is real, just not the workspace's); it names a
 * folder (`lib/`: a place, but not one a line or an editor opens); or a special file.
 * The words for each are referenceVerdicts' `unverifiedWhy`, wherever a reason is shown.
 */
export const UnverifiedReason = z.enum(['notFound', 'pastEnd', 'lineZero', 'reversedRange', 'outsideWorkspace', 'folder', 'notAFile']);
export type UnverifiedReason = z.infer<typeof UnverifiedReason>;

/** The host's verdict on one `FileReference`, keyed by `referenceKey` (its text and base). */
export const ResolvedLink = z.object({
  exists: z.boolean(),
  /** Absolute path of the file the reference names (when it exists, or its lines do not), or of the folder. */
  path: z.string().optional(),
  line: z.number().int().positive().optional(),
  endLine: z.number().int().positive().optional(),
  /**
   * The text to show when it differs from the reference's: the reference labelled as everywhere
   * (root-relative, with the root's name when there are several), or under `~` outside the workspace.
   */
  label: z.string().max(4096).optional(),
  /** With several workspace roots: the name of the root the file was found in. */
  root: z.string().max(4096).optional(),
  /** A relative reference that more than one root holds: the others' names (the first in resolveReferences' order won). */
  alsoIn: z.array(z.string().max(4096)).max(64).optional(),
  /** When `exists` is false: why. */
  reason: UnverifiedReason.optional(),
  /** With `pastEnd`: how many lines the file has. */
  lineCount: z.number().int().nonnegative().optional(),
});
export type ResolvedLink = z.infer<typeof ResolvedLink>;

export const ResolvedLinks = z.record(z.string(), ResolvedLink);
export type ResolvedLinks = z.infer<typeof ResolvedLinks>;

/** What the user can be offered to fix a model problem; each maps to a WebviewToHost message. */
export const ModelAction = z.enum(['download', 'selectFile', 'showLog', 'openSettings', 'configureModel']);
export type ModelAction = z.infer<typeof ModelAction>;

/** The model as the status bar and the view show it. */
export const ModelStatus = z.discriminatedUnion('state', [
  z.object({
    state: z.literal('notDownloaded'),
    /** The default build offered for download, e.g. "LocoOperator-4B (Q4_K_M, 2.3 GB)". */
    offer: z.string(),
  }),
  z.object({
    state: z.literal('downloading'),
    receivedBytes: z.number().nonnegative(),
    totalBytes: z.number().nonnegative().optional(),
    bytesPerSecond: z.number().nonnegative().optional(),
    etaSeconds: z.number().nonnegative().optional(),
  }),
  /** A model file is present but not loaded (it loads on the first question). */
  z.object({ state: z.literal('notLoaded'), modelName: z.string() }),
  z.object({ state: z.literal('loading'), modelName: z.string(), progress: z.number().min(0).max(1).optional() }),
  z.object({ state: z.literal('ready'), modelName: z.string(), backend: z.string() }),
  z.object({
    state: z.literal('generating'),
    modelName: z.string(),
    backend: z.string(),
    tokensPerSecond: z.number().nonnegative(),
    /** While the model reads the prompt (prefill), the fraction read so far; absent once it writes. */
    prefill: z.number().min(0).max(1).optional(),
  }),
  z.object({
    state: z.literal('error'),
    message: z.string(),
    /** What the user can do about it, shown as buttons in that order. */
    actions: z.array(ModelAction),
  }),
]);
export type ModelStatus = z.infer<typeof ModelStatus>;

/** A workspace folder as the view names it: its absolute path, and its label (the host's rootLabel, unique in the workspace). */
export const WorkspaceFolder = z.object({
  path: z.string().max(4096),
  label: z.string().max(4096),
});
export type WorkspaceFolder = z.infer<typeof WorkspaceFolder>;

/** Everything the view shows; enough to rebuild it from nothing. */
export const ViewState = z.object({
  sessionId: z.string(),
  /** The workspace folders: the view shows the paths in card titles relative to them, named by their labels. */
  roots: z.array(WorkspaceFolder).max(256),
  /** The session's runs, oldest first (a follow-up continues the conversation). */
  runs: z.array(RunRecord),
  /** The root run in progress, if any. */
  activeRunId: z.string().optional(),
  history: z.array(HistoryEntry),
  model: ModelStatus,
  scope: Scope,
  thoroughness: Thoroughness,
  links: ResolvedLinks,
  /** A session reopened from history is shown; questions still go to the live session. */
  pastSession: z.boolean().optional(),
  /** The workspace is not trusted (Restricted Mode): git is off and the workspace's own settings are ignored. */
  untrusted: z.boolean().optional(),
});
export type ViewState = z.infer<typeof ViewState>;

export const HostToWebview = z.discriminatedUnion('type', [
  z.object({ type: z.literal('state/snapshot'), state: ViewState }),
  z.object({ type: z.literal('run/created'), run: RunHeader }),
  /** One event of the root run `runId` (the event's own runId may be a sub-agent's). */
  z.object({ type: z.literal('run/event'), runId: z.string(), sessionId: z.string(), event: AgentEvent }),
  z.object({ type: z.literal('links/resolved'), links: ResolvedLinks }),
  z.object({ type: z.literal('model/status'), status: ModelStatus }),
  z.object({ type: z.literal('history/list'), entries: z.array(HistoryEntry) }),
  z.object({ type: z.literal('scope/set'), scope: Scope }),
  z.object({ type: z.literal('ui/focusInput') }),
  /** A short message the view shows until dismissed or the next run, e.g. "A run is in progress". */
  z.object({ type: z.literal('ui/notice'), level: z.enum(['info', 'warning', 'error']), message: z.string() }),
]);
export type HostToWebview = z.infer<typeof HostToWebview>;

const runId = z.string().max(200);

export const WebviewToHost = z.discriminatedUnion('type', [
  z.object({ type: z.literal('webview/ready') }),
  z.object({ type: z.literal('run/start'), question: z.string().min(1).max(100_000), scope: Scope, thoroughness: Thoroughness }),
  z.object({ type: z.literal('run/stop') }),
  /** Ask a question of the live session again (same question, scope and thoroughness), as a new run. */
  z.object({ type: z.literal('run/retry'), runId }),
  z.object({ type: z.literal('session/new') }),
  /** Leave a session reopened from history and show the live one again. */
  z.object({ type: z.literal('session/showCurrent') }),
  z.object({
    type: z.literal('file/open'),
    path: z.string().min(1).max(4096),
    line: z.number().int().positive().optional(),
    endLine: z.number().int().positive().optional(),
  }),
  z.object({ type: z.literal('links/verify'), refs: z.array(FileReference).max(1000) }),
  z.object({ type: z.literal('report/copy'), runId }),
  z.object({ type: z.literal('report/save'), runId }),
  z.object({ type: z.literal('report/openInEditor'), runId }),
  /** Show that run's session in the view (answered with `state/snapshot`). */
  z.object({ type: z.literal('history/open'), runId }),
  z.object({ type: z.literal('history/delete'), runId }),
  /** The user started typing a question: the model may start loading (locooperator.model.loadWhen). */
  z.object({ type: z.literal('model/warm') }),
  z.object({ type: z.literal('model/download') }),
  z.object({ type: z.literal('model/cancelDownload') }),
  z.object({ type: z.literal('model/selectFile') }),
  /** LocoOperator: Configure Model… (back-end, server URL, model, API key). */
  z.object({ type: z.literal('model/configure') }),
  z.object({ type: z.literal('log/show') }),
  z.object({ type: z.literal('settings/open') }),
  /** Open VS Code's Workspace Trust editor, where the user can trust the folder. */
  z.object({ type: z.literal('workspace/manageTrust') }),
  z.object({ type: z.literal('scope/clear') }),
  z.object({ type: z.literal('thoroughness/set'), thoroughness: Thoroughness }),
]);
export type WebviewToHost = z.infer<typeof WebviewToHost>;
