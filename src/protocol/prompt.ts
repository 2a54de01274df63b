import { z } from 'zod';

/**
 * A rendered prompt is a list of parts. Only parts marked `special` are tokenized with special
 * tokens enabled (`<|im_start|>`, `<|im_end|>`); everything else, including text read from files,
 * is plain text, so a file that contains `<|im_end|>` cannot end its own tool response.
 */
export const PromptPart = z.object({
  text: z.string(),
  special: z.boolean(),
});
export type PromptPart = z.infer<typeof PromptPart>;

/** The prompt as one string, for display, logs and comparison with the chat template. */
export function promptText(parts: readonly PromptPart[]): string {
  return parts.map((part) => part.text).join('');
}

export const SamplingOptions = z.object({
  temperature: z.number().min(0).max(2).default(0.7),
  topP: z.number().gt(0).max(1).default(0.8),
  topK: z.number().int().nonnegative().default(20),
  seed: z.number().int().optional(),
  maxTokens: z.number().int().positive().default(4096),
});
export type SamplingOptions = z.infer<typeof SamplingOptions>;

export const CompletionRequest = z.object({
  prompt: z.array(PromptPart),
  sampling: SamplingOptions,
});
export type CompletionRequest = z.input<typeof CompletionRequest>;

export const CompletionStopReason = z.enum(['endOfTurn', 'maxTokens', 'cancelled']);
export type CompletionStopReason = z.infer<typeof CompletionStopReason>;

export const CompletionResult = z.object({
  text: z.string(),
  stopReason: CompletionStopReason,
  /** Tokens in the prompt. */
  promptTokens: z.number().int().nonnegative(),
  /** Tokens the engine actually evaluated for this prompt (fewer than promptTokens with KV reuse). */
  evaluatedTokens: z.number().int().nonnegative(),
  completionTokens: z.number().int().nonnegative(),
  timeToFirstTokenMs: z.number().nonnegative().optional(),
  generationMs: z.number().nonnegative().optional(),
});
export type CompletionResult = z.infer<typeof CompletionResult>;
