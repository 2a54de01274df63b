import type { CompletionRequest, CompletionResult } from './prompt';

/**
 * What the agent loop needs from a model: complete a rendered prompt, streaming text as it is
 * generated. The embedded engine (ModelClient), an OpenAI-compatible server and the test
 * ScriptedModel all implement it.
 */
export interface ChatModel {
  /** The context window in tokens, used by the loop's budget; exact once `prepare` has resolved. */
  readonly contextSize: number;
  /**
   * Loads the model or reaches the server, so that `contextSize` is the window the next
   * completion gets (an automatic window is only known once the model is loaded). Settles at
   * once when it already is, and as soon as `signal` aborts (the caller checks which).
   */
  prepare(signal: AbortSignal): Promise<void>;
  complete(
    request: CompletionRequest,
    options: { signal: AbortSignal; onText?: (chunk: string) => void },
  ): Promise<CompletionResult>;
}
