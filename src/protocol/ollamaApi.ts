import { z } from 'zod';

/** The parts of Ollama's API (docs/api.md) the Ollama back-end reads. */

/** GET /api/version: also how a server is recognised as Ollama. */
export const OllamaVersion = z.object({ version: z.string() });
export type OllamaVersion = z.infer<typeof OllamaVersion>;

/** POST /api/show */
export const OllamaShow = z.object({
  /** Ollama's Go template for the model (its chat endpoints use it; raw prompts bypass it). */
  template: z.string().optional(),
  /** GGUF metadata, e.g. `qwen3.context_length`. */
  model_info: z.record(z.string(), z.unknown()).optional(),
  /** The Modelfile's parameters, one per line (`num_ctx 32768`). */
  parameters: z.string().optional(),
});
export type OllamaShow = z.infer<typeof OllamaShow>;

/** One line of a streamed POST /api/generate (NDJSON). */
export const OllamaGenerateChunk = z.object({
  response: z.string().default(''),
  done: z.boolean(),
  done_reason: z.string().optional(),
  /** Prompt tokens Ollama evaluated for this request (its cache makes it fewer than the prompt). */
  prompt_eval_count: z.number().int().nonnegative().optional(),
  eval_count: z.number().int().nonnegative().optional(),
  /** Nanoseconds. */
  eval_duration: z.number().nonnegative().optional(),
  prompt_eval_duration: z.number().nonnegative().optional(),
});
export type OllamaGenerateChunk = z.infer<typeof OllamaGenerateChunk>;
