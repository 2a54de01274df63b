import type { CompletionRequest, CompletionResult } from './prompt';

/**
 * What the agent loop needs from a model: complete a rendered prompt, streaming text as it is
 * generated. The embedded engine (ModelClient), an OpenAI-compatible server and the test
 * ScriptedModel all implement it.
 */
export interface ChatModel {
  /** The context window in tokens, used by the loop's budget. */
  readonly contextSize: number;
  complete(
    request: CompletionRequest,
    options: { signal: AbortSignal; onText?: (chunk: string) => void },
  ): Promise<CompletionResult>;
}
