import type { AgentEvent } from '../../../src/protocol/agentEvent';
import type { RunHeader, RunRecord } from '../../../src/protocol/webview';
import { append, emptyLog, eventsOf, hasSeq, insert, lastSeq, logFrom, type EventLog } from './eventLog';

// The protocol exports schemas for the single events; their types are picked out of the union.
export type EventOf<T extends AgentEvent['type']> = Extract<AgentEvent, { type: T }>;
type RunFinishedEvent = EventOf<'run/finished'>;
type ToolCallEvent = EventOf<'tool/call'>;
type ToolResultEvent = EventOf<'tool/result'>;

/** Model text written between tool calls, one item per stretch of deltas in a turn. */
export interface TextItem {
  kind: 'text';
  id: string;
  turn: number;
  text: string;
}

export interface ToolItem {
  kind: 'tool';
  callId: string;
}

export type TimelineItem = TextItem | ToolItem;

/** One agent of the tree: the root run or a Task sub-agent. */
export interface AgentView {
  runId: string;
  task: string;
  parentCallId?: string;
  maxTurns?: number;
  startedAt?: number;
  /** The folder it worked in, where the relative references it writes are looked for first. */
  cwd?: string;
  turn: number;
  items: readonly TimelineItem[];
  finished?: RunFinishedEvent;
}

export interface ToolView {
  callId: string;
  call?: ToolCallEvent;
  result?: ToolResultEvent;
}

/** Totals over the whole tree (sub-agents included), except turns, which are the root's. */
export interface RunStats {
  turns: number;
  toolCalls: number;
  /** Tokens the engine evaluated (prompt tokens not already in the KV cache). */
  evaluatedTokens: number;
  /** The size of the root's latest prompt: how full the context is. */
  promptTokens: number;
  completionTokens: number;
  generationMs: number;
}

/**
 * The replica of one question's run tree. Rebuilt from its log when an event arrives out of
 * order; otherwise updated in place of the parts an event touches, so that every unchanged
 * agent, item and tool keeps its identity and memoized components skip it.
 */
export interface RunTree {
  header: RunHeader;
  log: EventLog;
  agents: Readonly<Record<string, AgentView>>;
  tools: Readonly<Record<string, ToolView>>;
  /** Task call id → the sub-agent runs it started. */
  subRuns: Readonly<Record<string, readonly string[]>>;
  stats: RunStats;
}

const noStats: RunStats = { turns: 0, toolCalls: 0, evaluatedTokens: 0, promptTokens: 0, completionTokens: 0, generationMs: 0 };

export function emptyTree(header: RunHeader): RunTree {
  return { header, log: emptyLog(), agents: {}, tools: {}, subRuns: {}, stats: noStats };
}

export function treeFromRecord({ events, ...header }: RunRecord): RunTree {
  return rebuild(header, logFrom(events));
}

export function rootAgent(tree: RunTree): AgentView | undefined {
  return tree.agents[tree.header.runId];
}

export function isFinished(tree: RunTree): boolean {
  return rootAgent(tree)?.finished !== undefined;
}

/** Merges one event: new ones apply, duplicates are ignored, late ones trigger a rebuild. */
export function addEvent(tree: RunTree, event: AgentEvent): RunTree {
  if (event.seq > lastSeq(tree.log)) return applyEvent({ ...tree, log: append(tree.log, event) }, event);
  if (hasSeq(tree.log, event.seq)) return tree;
  return rebuild(tree.header, insert(tree.log, event));
}

function rebuild(header: RunHeader, log: EventLog): RunTree {
  let tree: RunTree = { ...emptyTree(header), log };
  for (const event of eventsOf(log)) tree = applyEvent(tree, event);
  return tree;
}

function applyEvent(tree: RunTree, event: AgentEvent): RunTree {
  switch (event.type) {
    case 'run/started':
      return onRunStarted(tree, event);
    case 'turn/started':
      return onTurnStarted(tree, event);
    case 'text/delta':
      return onTextDelta(tree, event);
    case 'tool/call':
      return onToolCall(tree, event);
    case 'tool/result':
      return onToolResult(tree, event);
    case 'usage':
      return onUsage(tree, event);
    case 'run/finished':
      return updateAgent(tree, event.runId, (agent) => ({ ...agent, finished: event }));
  }
}

function agentOf(tree: RunTree, runId: string): AgentView {
  return tree.agents[runId] ?? { runId, task: '', turn: 0, items: [] };
}

function updateAgent(tree: RunTree, runId: string, change: (agent: AgentView) => AgentView): RunTree {
  return { ...tree, agents: { ...tree.agents, [runId]: change(agentOf(tree, runId)) } };
}

function onRunStarted(tree: RunTree, event: EventOf<'run/started'>): RunTree {
  const started = updateAgent(tree, event.runId, (agent) => ({
    ...agent,
    task: event.task,
    parentCallId: event.parentCallId,
    maxTurns: event.maxTurns,
    startedAt: event.startedAt,
    cwd: event.cwd,
  }));
  if (event.parentCallId === undefined) return started;
  const siblings = started.subRuns[event.parentCallId] ?? [];
  if (siblings.includes(event.runId)) return started;
  return { ...started, subRuns: { ...started.subRuns, [event.parentCallId]: [...siblings, event.runId] } };
}

function onTurnStarted(tree: RunTree, event: EventOf<'turn/started'>): RunTree {
  const next = updateAgent(tree, event.runId, (agent) => ({ ...agent, turn: Math.max(agent.turn, event.turn) }));
  if (event.runId !== tree.header.runId) return next;
  return { ...next, stats: { ...next.stats, turns: Math.max(next.stats.turns, event.turn) } };
}

function onTextDelta(tree: RunTree, event: EventOf<'text/delta'>): RunTree {
  return updateAgent(tree, event.runId, (agent) => {
    const last = agent.items[agent.items.length - 1];
    if (last?.kind === 'text' && last.turn === event.turn) {
      const items = agent.items.slice(0, -1);
      items.push({ ...last, text: last.text + event.text });
      return { ...agent, items };
    }
    const text: TextItem = { kind: 'text', id: `${event.runId}:${event.seq}`, turn: event.turn, text: event.text };
    return { ...agent, items: [...agent.items, text] };
  });
}

function onToolCall(tree: RunTree, event: ToolCallEvent): RunTree {
  const known = tree.tools[event.callId];
  const withItem = known?.call
    ? tree
    : updateAgent(tree, event.runId, (agent) => ({ ...agent, items: [...agent.items, { kind: 'tool', callId: event.callId }] }));
  return {
    ...withItem,
    tools: { ...withItem.tools, [event.callId]: { ...known, callId: event.callId, call: event } },
    stats: known?.call ? withItem.stats : { ...withItem.stats, toolCalls: withItem.stats.toolCalls + 1 },
  };
}

function onToolResult(tree: RunTree, event: ToolResultEvent): RunTree {
  const known = tree.tools[event.callId];
  return { ...tree, tools: { ...tree.tools, [event.callId]: { ...known, callId: event.callId, result: event } } };
}

function onUsage(tree: RunTree, event: EventOf<'usage'>): RunTree {
  const stats = tree.stats;
  return {
    ...tree,
    stats: {
      ...stats,
      evaluatedTokens: stats.evaluatedTokens + event.evaluatedTokens,
      promptTokens: event.runId === tree.header.runId ? event.promptTokens : stats.promptTokens,
      completionTokens: stats.completionTokens + event.completionTokens,
      generationMs: stats.generationMs + (event.generationMs ?? 0),
    },
  };
}
