import { z } from 'zod';

/**
 * The OpenAI completions API (POST /v1/completions, GET /v1/models) as vLLM, LM Studio and
 * llama-server's /v1 serve it. Only the fields the back-end reads; servers add their own.
 */

/** GET /v1/models; vLLM adds max_model_len, some servers and gateways context_length. */
export const OpenAiModelList = z.object({
  data: z.array(
    z.object({
      id: z.string(),
      max_model_len: z.number().int().positive().optional(),
      context_length: z.number().int().positive().optional(),
    }),
  ),
});
export type OpenAiModelList = z.infer<typeof OpenAiModelList>;

export const OpenAiUsage = z.object({
  prompt_tokens: z.number().int().nonnegative(),
  completion_tokens: z.number().int().nonnegative(),
  /** vLLM (with --enable-prompt-tokens-details) and llama-server say how much came from the prefix cache. */
  prompt_tokens_details: z.object({ cached_tokens: z.number().int().nonnegative().optional() }).nullish(),
});
export type OpenAiUsage = z.infer<typeof OpenAiUsage>;

/** One server-sent event of a streamed completion. The last may carry only `usage`. */
export const OpenAiCompletionChunk = z.object({
  choices: z.array(z.object({ text: z.string().default(''), finish_reason: z.string().nullish() })).default([]),
  usage: OpenAiUsage.nullish(),
});
export type OpenAiCompletionChunk = z.infer<typeof OpenAiCompletionChunk>;
