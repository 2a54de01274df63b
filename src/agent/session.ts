import type { AgentEvent } from '../protocol/agentEvent';
import type { ConversationMessage } from '../protocol/conversation';
import type { SamplingOptions } from '../protocol/prompt';
import type { Tool } from '../tools/defineTool';
import type { ChatModel } from '../protocol/chatModel';
import { createEventSink } from './events';
import { runAgent, type RunOutcome } from './loop';
import type { EnvironmentInfo } from './prompt';

export interface AgentSessionOptions {
  model: ChatModel;
  tools: ReadonlyMap<string, Tool>;
  cwd: string;
  roots: readonly string[];
  exclude?: readonly string[];
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
}

/**
 * A conversation with the explorer: each question continues it (a follow-up sees the earlier
 * exploration), until `reset`. One run at a time.
 */
export class AgentSession {
  private messages: ConversationMessage[];
  private running = false;

  constructor(private readonly options: AgentSessionOptions) {
    this.messages = [...(options.history ?? [])];
  }

  get busy(): boolean {
    return this.running;
  }

  /** The conversation so far, e.g. to show or save it. */
  get conversation(): readonly ConversationMessage[] {
    return this.messages;
  }

  async ask(task: string, { signal, onEvent, maxTurns }: AskOptions): Promise<RunOutcome> {
    if (this.running) throw new Error('A question is already being answered in this session. Stop it or wait for it to finish.');
    this.running = true;
    try {
      const outcome = await runAgent({
        ...this.options,
        task,
        signal,
        emit: createEventSink(onEvent),
        history: this.messages,
        maxTurns: maxTurns ?? this.options.maxTurns,
      });
      this.messages = outcome.messages;
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
