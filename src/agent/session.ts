import { realpath } from 'node:fs/promises';
import type { AgentEvent } from '../protocol/agentEvent';
import type { ConversationMessage } from '../protocol/conversation';
import type { SamplingOptions } from '../protocol/prompt';
import type { Tool } from '../tools/defineTool';
import type { RootsSource } from '../tools/support/workspacePaths';
import type { ChatModel } from '../protocol/chatModel';
import { createEventSink } from './events';
import { runAgent, type RunOutcome } from './loop';
import { environmentFor, environmentLine, type EnvironmentInfo } from './prompt';

export interface AgentSessionOptions {
  model: ChatModel;
  tools: ReadonlyMap<string, Tool>;
  /** The working directory of the conversation so far (of its first question, or of a saved one). */
  cwd: string;
  /** Read again for each tool call, so the workspace's folders as they are now (see RunAgentOptions). */
  roots: RootsSource;
  exclude?: readonly string[];
  /** Why real git must not run, while it must not; read again for each tool call (see RunAgentOptions). */
  gitUnavailable?: () => string | undefined;
  maxTurns?: number;
  sampling?: Partial<SamplingOptions>;
  env?: Partial<EnvironmentInfo>;
  /** A conversation to continue (one saved before a window reload). */
  history?: readonly ConversationMessage[];
}

export interface AskOptions {
  signal: AbortSignal;
  onEvent: (event: AgentEvent) => void;
  maxTurns?: number;
  /** Where this question works (its scope's folder); the session's working directory when absent. */
  cwd?: string;
  /** A search without a path covers every root: the question is about the whole workspace. */
  searchesAllRoots?: boolean;
  /** The run's id, when the caller named it before asking. */
  runId?: string;
}

/**
 * A conversation with the explorer: each question continues it (a follow-up sees the earlier
 * exploration), until `reset`. One run at a time.
 */
export class AgentSession {
  private messages: ConversationMessage[];
  private running = false;
  private workingDirectory: string;

  constructor(private readonly options: AgentSessionOptions) {
    this.messages = [...(options.history ?? [])];
    this.workingDirectory = options.cwd;
  }

  /** The working directory of the latest question: where a saved conversation continues. */
  get cwd(): string {
    return this.workingDirectory;
  }

  get busy(): boolean {
    return this.running;
  }

  /** The conversation so far, e.g. to show or save it. */
  get conversation(): readonly ConversationMessage[] {
    return this.messages;
  }

  async ask(task: string, { signal, onEvent, maxTurns, cwd, searchesAllRoots, runId }: AskOptions): Promise<RunOutcome> {
    if (this.running) throw new Error('A question is already being answered in this session. Stop it or wait for it to finish.');
    this.running = true;
    try {
      // Tools confine by real paths, so the folder they work in is one too.
      const workIn = cwd === undefined ? this.workingDirectory : await realpath(cwd).catch(() => cwd);
      // The system prompt's ENV line named the folder the conversation started in. A follow-up
      // that works elsewhere ends with that line for its own folder, worded as the model learned
      // it, so that the latest working directory the model was told is the one its tools use.
      const moved = this.messages.length > 0 && workIn !== this.workingDirectory;
      const question = moved ? `${task}\n\n${environmentLine(environmentFor(workIn, this.options.env))}` : task;
      const outcome = await runAgent({
        ...this.options,
        cwd: workIn,
        searchesAllRoots,
        runId,
        task: question,
        signal,
        emit: createEventSink(onEvent),
        history: this.messages,
        maxTurns: maxTurns ?? this.options.maxTurns,
      });
      this.messages = outcome.messages;
      this.workingDirectory = workIn;
      return outcome;
    } finally {
      this.running = false;
    }
  }

  reset(): void {
    if (this.running) throw new Error('Stop the current question before starting a new session.');
    this.messages = [];
  }
}
