import type { ChatModel } from '../../protocol/chatModel';
import type { ServerIdentity, ServerKind } from '../../protocol/inferenceServer';
import type { CompletionRequest, CompletionResult } from '../../protocol/prompt';
import type { ServerHints } from './serverError';
import type { ServerLimits } from './serverHttp';

/** What every server back-end is given. */
export interface ServerModelOptions {
  url: string;
  /** The model to ask for; Ollama needs one, the others default to what the server serves. */
  model?: string;
  apiKey?: string;
  hints: ServerHints;
  limits: ServerLimits;
  /**
   * The context window to assume when the server does not say (OpenAI-compatible servers other
   * than vLLM), or to ask for (Ollama's num_ctx). A server that says wins.
   */
  contextSize?: number;
  /** false asks the server not to reuse its prompt cache: the benchmark's baseline. */
  reuseCache?: boolean;
  /**
   * A GBNF grammar for every generation (llama-server only), for tests that need a tool call from
   * a model that writes noise. Not for normal use: only an explicit option.
   */
  grammar?: string;
}

export interface ServerCompleteOptions {
  signal: AbortSignal;
  onText?: (chunk: string) => void;
  /** Prefill progress where the server reports it (llama-server): tokens evaluated out of those to evaluate. */
  onProgress?: (evaluated: number, total: number) => void;
}

/** A ChatModel answered by a shared inference server. */
export interface ServerModel extends ChatModel {
  readonly kind: ServerKind;
  /** Reads what the server says about itself (once; again after a failure). */
  connect(signal?: AbortSignal): Promise<ServerIdentity>;
  complete(request: CompletionRequest, options: ServerCompleteOptions): Promise<CompletionResult>;
  dispose(): Promise<void>;
}

/** The loop needs room for the system prompt, a question, several tool outputs and a report. */
export const MIN_CONTEXT_TOKENS = 8192;
/** What LocoOperator-4B was trained with: the window assumed when a server does not say. */
export const DEFAULT_SERVER_CONTEXT = 16_384;

/** Warnings for the user before the first question: a template that is not ChatML, a small window. */
export function identityWarnings(identity: Pick<ServerIdentity, 'url' | 'model' | 'contextSize' | 'chatTemplate'>): string[] {
  const warnings: string[] = [];
  if (identity.chatTemplate !== undefined && !(identity.chatTemplate.includes('<|im_start|>') && identity.chatTemplate.includes('<|im_end|>'))) {
    warnings.push(
      `The model "${identity.model}" at ${identity.url} does not use Qwen3's ChatML chat template. LocoOperator sends ChatML prompts ` +
        'written for LocoOperator-4B; another model will answer poorly or not use the tools.',
    );
  }
  if (identity.contextSize !== undefined && identity.contextSize < MIN_CONTEXT_TOKENS) {
    warnings.push(
      `The server at ${identity.url} gives each request a context window of ${identity.contextSize} tokens; an exploration needs at least ` +
        `${MIN_CONTEXT_TOKENS} (LocoOperator-4B's authors serve it with 51,200). Old tool output will be dropped early and long runs will stop.`,
    );
  }
  return warnings;
}

/** A Stop is a result, not an error: the loop ends the run as cancelled. */
export function cancelledResult(promptTokens = 0): CompletionResult {
  return { text: '', stopReason: 'cancelled', promptTokens, evaluatedTokens: 0, completionTokens: 0 };
}

/**
 * Reads a server's identity on the first `connect`, and again after a read that failed;
 * `prepare` is the ChatModel's, since the window comes with the identity.
 */
export function identityOnce(read: (signal?: AbortSignal) => Promise<ServerIdentity>): {
  connect(signal?: AbortSignal): Promise<ServerIdentity>;
  prepare(signal: AbortSignal): Promise<void>;
  readonly current: ServerIdentity | undefined;
} {
  let current: ServerIdentity | undefined;
  let reading: Promise<ServerIdentity> | undefined;
  const connect = (signal?: AbortSignal): Promise<ServerIdentity> => {
    if (current) return Promise.resolve(current);
    reading ??= read(signal)
      .then((identity) => (current = identity))
      .finally(() => (reading = undefined));
    return reading;
  };
  return {
    connect,
    async prepare(signal) {
      await connect(signal);
    },
    get current() {
      return current;
    },
  };
}
