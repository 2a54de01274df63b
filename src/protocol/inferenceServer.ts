import { z } from 'zod';

/**
 * Shared inference servers: which kinds LocoOperator speaks to, and what it learns from one.
 * Every back-end sends the prompt rendered by our code to a raw completion endpoint (never a chat
 * endpoint, which would re-template it).
 */
export const ServerKind = z.enum(['llama-server', 'openai-compatible', 'ollama']);
export type ServerKind = z.infer<typeof ServerKind>;

/**
 * The three waits on a server, each with its own limit: connecting (name lookup, TCP and TLS),
 * silence before the answer begins (the server queues the request, may load the model, and reads
 * the whole prompt before its first token), and silence once the answer has begun.
 */
export const ServerLimit = z.enum(['connect', 'firstByte', 'idle']);
export type ServerLimit = z.infer<typeof ServerLimit>;

/** What the server says about the model that answers, read before the first question. */
export const ServerIdentity = z.object({
  kind: ServerKind,
  /** The server's address as shown to the user: no credentials, no query. */
  url: z.string(),
  /** The model the server answers with (its alias, file name or id). */
  model: z.string(),
  /** The context window one request may use, in tokens, when the server tells. */
  contextSize: z.number().int().positive().optional(),
  /** The model's own chat template (Jinja, or Ollama's Go template), when the server tells. */
  chatTemplate: z.string().optional(),
  /** Whether a file's `<|im_end|>` is guaranteed to stay plain text (token ids sent), or neutralised in the text. */
  specialTokens: z.enum(['tokenIds', 'neutralised']),
  /** Problems the user should hear about before the first question (template, context). */
  warnings: z.array(z.string()),
});
export type ServerIdentity = z.infer<typeof ServerIdentity>;

/**
 * An error body: llama-server and OpenAI-style servers send `{error: {message, type}}`, vLLM's
 * older releases `{message, type}`, Ollama `{error: "…"}`. llama-server's context overflow adds
 * the prompt's and the window's sizes.
 */
export const ServerErrorBody = z.union([
  z.object({
    error: z.object({
      message: z.string(),
      type: z.string().optional(),
      n_prompt_tokens: z.number().int().optional(),
      n_ctx: z.number().int().optional(),
    }),
  }),
  z.object({ error: z.string() }),
  z.object({ message: z.string(), type: z.string().optional() }),
]);
export type ServerErrorBody = z.infer<typeof ServerErrorBody>;
