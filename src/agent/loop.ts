import { randomUUID } from 'node:crypto';
import type { RunFinishReason } from '../protocol/agentEvent';
import type { ConversationMessage } from '../protocol/conversation';
import { SamplingOptions, type CompletionResult } from '../protocol/prompt';
import { toolUseError, type SubAgentRequest, type SubAgentResult, type Tool, type ToolContext, type ToolResult } from '../tools/defineTool';
import { resolveToolCall, type ResolvedToolCall } from '../tools/inventedNames';
import { currentRoots, type RootsSource } from '../tools/support/workspacePaths';
import { toolSummaries } from '../tools/toolDescriptions';
import type { ChatModel } from '../protocol/chatModel';
import { capToolOutput, compactToFit } from './contextBudget';
import type { EventSink } from './events';
import { environmentFor, renderPrompt, systemPrompt, type EnvironmentInfo, type SystemPromptVariant } from './prompt';
import { serialModel } from './serialModel';
import { textOutsideToolCalls, ToolCallStreamParser, type ParsedToolCall } from './toolCallParser';
import { errorMessage } from '../protocol/errorMessage';

export const DEFAULT_MAX_TURNS = 10;

export interface RunAgentOptions {
  model: ChatModel;
  tools: ReadonlyMap<string, Tool>;
  task: string;
  /** Working directory the model is told about; tools resolve relative paths against it. */
  cwd: string;
  /** The workspace roots, read again for each tool call: folders added or removed mid-run count from the next call. */
  roots: RootsSource;
  /** A search without a path covers every root (a question about the whole workspace), not only `cwd`. */
  searchesAllRoots?: boolean;
  /** Globs the search tools leave out (VS Code's files.exclude), besides .gitignore. */
  exclude?: readonly string[];
  /**
   * Why real git must not run, while it must not (an untrusted workspace); read again for each
   * tool call, so that trusting the workspace mid-run turns git on from the next call.
   */
  gitUnavailable?: () => string | undefined;
  signal: AbortSignal;
  emit: EventSink;
  /** The conversation so far (system prompt first), for a follow-up question. */
  history?: readonly ConversationMessage[];
  maxTurns?: number;
  sampling?: Partial<SamplingOptions>;
  /** Largest tool output the model sees, in tokens (default: a quarter of the window). */
  maxToolOutputTokens?: number;
  /** Set on a sub-agent run: the id of the Task call that started it. */
  parentCallId?: string;
  /** The run's id when its caller named it first (the view shows a question before the model is opened); a fresh one otherwise. */
  runId?: string;
  env?: Partial<EnvironmentInfo>;
  /** The training data's system prompt unless an evaluation asks for the variant with a tool list. */
  systemPromptVariant?: SystemPromptVariant;
}

export interface RunOutcome {
  runId: string;
  reason: RunFinishReason;
  report?: string;
  error?: string;
  /** The conversation after this run, ready for a follow-up question. */
  messages: ConversationMessage[];
  turns: number;
  toolCalls: number;
  totalTokens: number;
}

export const LAST_TURN_REMINDER =
  '<system-reminder>This is your last turn: do not call any more tools. Write your final report now from what you have found, with file references.</system-reminder>';
const TURN_LIMIT_ERROR = toolUseError('Error: the turn limit was reached, so this call was not run.');

/**
 * The explorer: task → model → tool calls (run concurrently, answered in call order) → … → a
 * turn without tool calls, which is the report. A plain function of its inputs that reports
 * progress through `emit` and never waits on whoever listens.
 */
export async function runAgent(options: RunAgentOptions): Promise<RunOutcome> {
  const runId = options.runId ?? randomUUID();
  const model = options.parentCallId ? options.model : serialModel(options.model);
  const maxTurns = Math.max(1, options.maxTurns ?? DEFAULT_MAX_TURNS);
  const requested = SamplingOptions.parse(options.sampling ?? {});
  // Read at every turn: the window is only certain once the model is loaded, and a model
  // unloaded while idle may come back with another automatic size.
  const budget = () => {
    const window = model.contextSize;
    // Leave room for the reply: at most a quarter of the window.
    const sampling = { ...requested, maxTokens: Math.min(requested.maxTokens, Math.floor(window / 4)) };
    return { window, sampling, promptBudget: window - sampling.maxTokens, maxToolOutputTokens: options.maxToolOutputTokens ?? Math.floor(window / 4) };
  };
  const startedAt = Date.now();
  const { emit, signal } = options;

  // With a single turn there is no tool response to carry the last-turn reminder: the question does.
  const question = maxTurns === 1 ? `${options.task}\n\n${LAST_TURN_REMINDER}` : options.task;
  const messages: ConversationMessage[] = options.history?.length
    ? [...options.history.map((message) => ({ ...message })), { role: 'user', content: question }]
    : openingMessages(options, question);

  let turns = 0;
  let toolCalls = 0;
  let totalTokens = 0;
  let callCounter = 0;
  const seenCalls = new Map<string, number>();

  emit({ type: 'run/started', runId, task: options.task, cwd: options.cwd, maxTurns, parentCallId: options.parentCallId, startedAt });
  const finish = (reason: RunFinishReason, extra: { report?: string; error?: string } = {}): RunOutcome => {
    emit({ type: 'run/finished', runId, reason, ...extra, turns, toolCalls, durationMs: Date.now() - startedAt });
    return { runId, reason, ...extra, messages, turns, toolCalls, totalTokens };
  };

  const runSubAgent = async (request: SubAgentRequest): Promise<SubAgentResult> => {
    const started = Date.now();
    const childTools = new Map([...options.tools].filter(([name]) => name !== 'Task'));
    const outcome = await runAgent({
      ...options,
      model,
      tools: childTools,
      task: request.prompt,
      history: undefined,
      parentCallId: request.callId,
      runId: undefined,
    });
    const report =
      outcome.report ??
      (outcome.reason === 'cancelled' ? 'The sub-agent was stopped before it finished.' : `The sub-agent ended without a report (${outcome.error ?? outcome.reason}).`);
    return { agentId: outcome.runId, report, totalTokens: outcome.totalTokens, toolUses: outcome.toolCalls, durationMs: Date.now() - started };
  };
  const contextNow = (): ToolContext => ({
    cwd: options.cwd,
    roots: currentRoots(options.roots),
    searchesAllRoots: options.searchesAllRoots,
    exclude: options.exclude,
    gitUnavailable: options.gitUnavailable?.(),
    signal,
    runSubAgent: options.tools.has('Task') ? runSubAgent : undefined,
  });

  try {
    await model.prepare(signal);
  } catch (error) {
    if (signal.aborted) return finish('cancelled');
    return finish('error', { error: errorMessage(error) });
  }

  while (turns < maxTurns) {
    if (signal.aborted) return finish('cancelled');
    const { window, sampling, promptBudget, maxToolOutputTokens } = budget();
    if (!compactToFit(messages, promptBudget).fits) {
      return finish('error', {
        error: `The conversation no longer fits the model's context window (${window} tokens), even after removing old tool output. Start a new session, or allow a larger context size.`,
      });
    }
    turns++;
    emit({ type: 'turn/started', runId, turn: turns });

    const parser = new ToolCallStreamParser();
    const pending: Promise<ToolResult>[] = [];
    const lastTurn = turns === maxTurns;
    const handle = (events: ReturnType<ToolCallStreamParser['push']>) => {
      for (const event of events) {
        if (event.type === 'text') emit({ type: 'text/delta', runId, turn: turns, text: event.text });
        else pending.push(dispatch(event.call));
      }
    };
    const dispatch = (call: ParsedToolCall): Promise<ToolResult> => {
      const callId = `${runId.slice(0, 8)}-${++callCounter}`;
      const resolved: ResolvedToolCall = call.ok
        ? resolveToolCall(options.tools, call.name, call.args)
        : { ok: false, result: { output: toolUseError(call.error), title: call.name, metadata: {}, status: 'error' } };
      const target = resolved.ok ? resolved : undefined;
      const title = target ? target.tool.titleFor(target.args, contextNow()) : call.name;
      toolCalls++;
      emit({
        type: 'tool/call',
        runId,
        turn: turns,
        callId,
        name: target?.tool.name ?? call.name,
        args: target ? target.args : call.ok ? call.args : call.raw,
        title,
      });
      const started = Date.now();
      return executeCall(resolved, callId).then((result) => {
        const capped = capToolOutput(result.output, maxToolOutputTokens);
        emit({
          type: 'tool/result',
          runId,
          callId,
          status: result.status,
          title: result.title,
          durationMs: Date.now() - started,
          output: capped.output,
          outputChars: result.output.length,
          truncated: capped.truncated || result.metadata.truncated === true,
          metadata: result.metadata,
        });
        return { ...result, output: capped.output };
      });
    };
    const executeCall = async (resolved: ResolvedToolCall, callId: string): Promise<ToolResult> => {
      if (!resolved.ok) return resolved.result;
      const { tool, args } = resolved;
      if (lastTurn) return { output: TURN_LIMIT_ERROR, title: tool.name, metadata: {}, status: 'refused' };
      const key = `${tool.name}\u0000${canonicalJson(args)}`;
      const earlierTurn = seenCalls.get(key);
      if (earlierTurn !== undefined) {
        return {
          output: toolUseError(
            `Error: you already made this exact ${tool.name} call in turn ${earlierTurn}; its result is above. Use that result, or change the arguments.`,
          ),
          title: tool.titleFor(args, contextNow()),
          metadata: { duplicate: true },
          status: 'refused',
        };
      }
      const result = await tool.run(args, { ...contextNow(), callId });
      // Only a call that worked is a repeat next time: after a timeout or an error, trying again is fair.
      if (result.status === 'done') seenCalls.set(key, turns);
      return result;
    };

    let completion: CompletionResult;
    try {
      completion = await model.complete(
        { prompt: renderPrompt(messages), sampling },
        { signal, onText: (chunk) => handle(parser.push(chunk)) },
      );
    } catch (error) {
      await Promise.allSettled(pending);
      if (signal.aborted) return finish('cancelled');
      return finish('error', { error: errorMessage(error) });
    }
    handle(parser.end());
    totalTokens += completion.promptTokens + completion.completionTokens;
    emit({
      type: 'usage',
      runId,
      turn: turns,
      promptTokens: completion.promptTokens,
      evaluatedTokens: completion.evaluatedTokens,
      completionTokens: completion.completionTokens,
      timeToFirstTokenMs: completion.timeToFirstTokenMs,
      generationMs: completion.generationMs,
    });
    if (completion.stopReason === 'cancelled' || signal.aborted) {
      await Promise.allSettled(pending);
      return finish('cancelled');
    }

    messages.push({ role: 'assistant', content: completion.text });
    if (pending.length === 0) return finish('done', { report: completion.text.trim() });

    const results = await Promise.all(pending);
    if (signal.aborted) {
      messages.pop();
      return finish('cancelled');
    }
    results.forEach((result) => messages.push({ role: 'tool', content: result.output }));
    if (lastTurn) {
      const report = textOutsideToolCalls(completion.text).trim();
      return finish('max_turns', report ? { report } : {});
    }
    if (turns === maxTurns - 1) {
      messages[messages.length - 1]!.reminder = LAST_TURN_REMINDER;
    }
  }
  return finish('max_turns');
}

/** Same arguments in any key order, or with "5" for 5, are the same call. */
function canonicalJson(value: unknown): string {
  if (typeof value === 'string' && /^(-?\d+(\.\d+)?|true|false)$/.test(value.trim())) return value.trim();
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** The conversation a new session starts with: the system prompt and the first question. */
export function openingMessages(
  options: Pick<RunAgentOptions, 'cwd' | 'tools' | 'env' | 'systemPromptVariant'>,
  question: string,
): ConversationMessage[] {
  const env = environmentFor(options.cwd, options.env);
  return [
    { role: 'system', content: systemPrompt(env, options.systemPromptVariant, toolSummaries(options.tools.values())) },
    { role: 'user', content: question },
  ];
}
