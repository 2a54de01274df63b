import { z } from 'zod';
import { CompletionResult } from './prompt';

/**
 * Everything the agent loop reports while it runs. Events carry a monotonic `seq` per run tree
 * so that a replica (the webview, a JSON log) can merge them in order and drop duplicates.
 * A sub-agent (Task) emits its own `run/started` with `parentCallId` set to the Task call's id.
 */

export const RunFinishReason = z.enum(['done', 'max_turns', 'cancelled', 'error']);
export type RunFinishReason = z.infer<typeof RunFinishReason>;

export const ToolStatus = z.enum(['running', 'done', 'error', 'refused']);
export type ToolStatus = z.infer<typeof ToolStatus>;

const base = {
  seq: z.number().int().nonnegative(),
  runId: z.string(),
};

export const RunStartedEvent = z.object({
  ...base,
  type: z.literal('run/started'),
  task: z.string(),
  cwd: z.string(),
  maxTurns: z.number().int().positive(),
  parentCallId: z.string().optional(),
  startedAt: z.number(),
});

export const TurnStartedEvent = z.object({
  ...base,
  type: z.literal('turn/started'),
  turn: z.number().int().positive(),
});

export const TextDeltaEvent = z.object({
  ...base,
  type: z.literal('text/delta'),
  turn: z.number().int().positive(),
  text: z.string(),
});

export const ToolCallEvent = z.object({
  ...base,
  type: z.literal('tool/call'),
  turn: z.number().int().positive(),
  callId: z.string(),
  name: z.string(),
  /** The arguments as the model wrote them (already parsed JSON; may be invalid for the tool). */
  args: z.unknown(),
  title: z.string(),
});

export const ToolResultEvent = z.object({
  ...base,
  type: z.literal('tool/result'),
  callId: z.string(),
  status: ToolStatus.exclude(['running']),
  title: z.string(),
  durationMs: z.number().nonnegative(),
  /** The text the model sees (may be long; the UI caps what it shows). */
  output: z.string(),
  outputChars: z.number().int().nonnegative(),
  truncated: z.boolean(),
  metadata: z.record(z.string(), z.unknown()),
});

/** The engine's figures for one turn: a completion's counts and timings, without its text. */
export const UsageEvent = CompletionResult.omit({ text: true, stopReason: true }).extend({
  ...base,
  type: z.literal('usage'),
  turn: z.number().int().positive(),
});

export const RunFinishedEvent = z.object({
  ...base,
  type: z.literal('run/finished'),
  reason: RunFinishReason,
  report: z.string().optional(),
  error: z.string().optional(),
  turns: z.number().int().nonnegative(),
  toolCalls: z.number().int().nonnegative(),
  durationMs: z.number().nonnegative(),
});

export const AgentEvent = z.discriminatedUnion('type', [
  RunStartedEvent,
  TurnStartedEvent,
  TextDeltaEvent,
  ToolCallEvent,
  ToolResultEvent,
  UsageEvent,
  RunFinishedEvent,
]);
export type AgentEvent = z.infer<typeof AgentEvent>;

/** An event before the emitter stamps it with `seq`. */
export type AgentEventInput = AgentEvent extends infer E ? (E extends AgentEvent ? Omit<E, 'seq'> : never) : never;
