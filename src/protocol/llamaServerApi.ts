import { z } from 'zod';

/**
 * The parts of llama.cpp's llama-server HTTP API (tools/server/README.md) that the llama-server
 * back-end reads. Unknown fields are ignored; missing optional ones are tolerated because older
 * and newer servers differ.
 */

/** GET /props */
export const LlamaServerProps = z.object({
  default_generation_settings: z.object({ n_ctx: z.number().int().positive() }),
  total_slots: z.number().int().optional(),
  model_alias: z.string().optional(),
  model_path: z.string().optional(),
  chat_template: z.string().optional(),
  build_info: z.string().optional(),
});
export type LlamaServerProps = z.infer<typeof LlamaServerProps>;

/** POST /tokenize (with_pieces false) */
export const LlamaTokenizeResponse = z.object({ tokens: z.array(z.number().int()) });
export type LlamaTokenizeResponse = z.infer<typeof LlamaTokenizeResponse>;

/** `timings` of a finished completion: prompt_n is what this request evaluated, cache_n what it reused. */
export const LlamaTimings = z.object({
  cache_n: z.number().int().nonnegative().optional(),
  prompt_n: z.number().int().nonnegative(),
  prompt_ms: z.number().nonnegative().optional(),
  predicted_n: z.number().int().nonnegative().optional(),
  predicted_ms: z.number().nonnegative().optional(),
});
export type LlamaTimings = z.infer<typeof LlamaTimings>;

/** One server-sent event of a streamed POST /completion. */
export const LlamaCompletionChunk = z.object({
  content: z.string().default(''),
  /** The token sampled for this chunk (a prompt-progress chunk carries none that counts). */
  tokens: z.array(z.number().int()).default([]),
  stop: z.boolean(),
  /** 'eos', 'limit', 'word' or 'none' today; read as a string so that a new reason is not a malformed stream. */
  stop_type: z.string().optional(),
  /** Sampled tokens so far, the end-of-turn token included. */
  tokens_predicted: z.number().int().nonnegative().optional(),
  tokens_evaluated: z.number().int().nonnegative().optional(),
  truncated: z.boolean().optional(),
  timings: LlamaTimings.optional(),
  prompt_progress: z
    .object({ total: z.number().int(), cache: z.number().int(), processed: z.number().int() })
    .optional(),
});
export type LlamaCompletionChunk = z.infer<typeof LlamaCompletionChunk>;
