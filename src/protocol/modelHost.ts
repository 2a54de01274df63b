import { z } from 'zod';
import { CompletionResult, PromptPart, SamplingOptions } from './prompt';

/**
 * The IPC between the ModelClient (extension host or CLI) and the model host child process.
 * Requests carry an `id`; every reply names the request it answers. Generation streams
 * `generate/chunk` and `generate/progress` messages before its single `generate/done`.
 */

export const GpuChoice = z.union([z.literal('auto'), z.literal(false)]);
export type GpuChoice = z.infer<typeof GpuChoice>;

/** What llama.cpp runs on: the CPU or one of its GPU back-ends. */
export const ModelBackend = z.enum(['cpu', 'cuda', 'vulkan', 'metal']);
export type ModelBackend = z.infer<typeof ModelBackend>;

export const ModelHostState = z.enum(['stopped', 'starting', 'loading', 'ready', 'generating', 'unloaded', 'crashed']);
export type ModelHostState = z.infer<typeof ModelHostState>;

/** A sequence's token meter: what llama.cpp evaluated (input) and sampled (output). */
export const TokenMeter = z.object({ input: z.number().int().nonnegative(), output: z.number().int().nonnegative() });
export type TokenMeter = z.infer<typeof TokenMeter>;

export const ModelHostStatus = z.object({
  state: ModelHostState,
  modelPath: z.string().optional(),
  /** A back-end this version does not know (a newer llama.cpp) reads as unknown rather than failing. */
  backend: ModelBackend.optional().catch(undefined),
  /** The context window the engine actually allocated, in tokens. */
  contextSize: z.number().int().positive().optional(),
  threads: z.number().int().positive().optional(),
  /** Peak resident memory of the model host process, in bytes. */
  peakRssBytes: z.number().nonnegative().optional(),
  pid: z.number().int().optional(),
  /** The sequence's token meter since loading: what llama.cpp evaluated (input) and sampled (output). */
  tokenMeter: TokenMeter.optional(),
  /** While loading: the fraction of the model loaded so far (0..1), sent as it advances. */
  loadProgress: z.number().min(0).max(1).optional(),
  error: z.string().optional(),
});
export type ModelHostStatus = z.infer<typeof ModelHostStatus>;

export const LoadRequest = z.object({
  type: z.literal('model/load'),
  id: z.string(),
  modelPath: z.string(),
  /** A fixed size, or the largest window up to `maxContextSize` that fits in memory. */
  contextSize: z.union([z.number().int().positive(), z.literal('auto')]),
  maxContextSize: z.number().int().positive(),
  /** KV-cache bytes per token of context at f16, from the file's attention shape: what sizes `auto` on the CPU. */
  kvBytesPerToken: z.number().positive(),
  threads: z.number().int().positive(),
  gpu: GpuChoice,
  /** A GBNF grammar every generation must follow (tests, debugging); none in normal use. */
  grammar: z.string().optional(),
  /** How long one prefill chunk should take, in ms (the next request may wait about one chunk after a cancel); default 1000. */
  prefillChunkTargetMs: z.number().nonnegative().optional(),
});

/** Sampling with every default applied (the client resolves `SamplingOptions` before sending). */
export const ResolvedSampling = z.object({
  ...SamplingOptions.shape,
  temperature: SamplingOptions.shape.temperature.unwrap(),
  topP: SamplingOptions.shape.topP.unwrap(),
  topK: SamplingOptions.shape.topK.unwrap(),
  maxTokens: SamplingOptions.shape.maxTokens.unwrap(),
});
export type ResolvedSampling = z.infer<typeof ResolvedSampling>;

export const GenerateRequest = z.object({
  type: z.literal('generate/start'),
  id: z.string(),
  prompt: z.array(PromptPart),
  sampling: ResolvedSampling,
  /** false evaluates the whole prompt from scratch: the baseline the benchmark compares against. */
  reuseCache: z.boolean(),
});
export type GenerateRequest = z.infer<typeof GenerateRequest>;

export const CancelRequest = z.object({ type: z.literal('generate/cancel'), id: z.string() });
export const UnloadRequest = z.object({ type: z.literal('model/unload'), id: z.string() });
export const StatusRequest = z.object({ type: z.literal('model/status'), id: z.string() });

export const HostToModel = z.discriminatedUnion('type', [
  LoadRequest,
  GenerateRequest,
  CancelRequest,
  UnloadRequest,
  StatusRequest,
]);
export type HostToModel = z.infer<typeof HostToModel>;

export const StatusReply = z.object({ type: z.literal('model/status'), id: z.string().optional(), status: ModelHostStatus });
export const ChunkMessage = z.object({ type: z.literal('generate/chunk'), id: z.string(), text: z.string() });
/** Prefill progress: how many of the tokens that need evaluating have been evaluated. */
export const ProgressMessage = z.object({
  type: z.literal('generate/progress'),
  id: z.string(),
  evaluated: z.number().int().nonnegative(),
  total: z.number().int().nonnegative(),
});
/** `tokenMeter` is the sequence's meter after this generation, so that a turn's own count is known. */
export const DoneMessage = z.object({ type: z.literal('generate/done'), id: z.string(), result: CompletionResult, tokenMeter: TokenMeter });

export const ModelErrorCode = z.enum(['loadFailed', 'notLoaded', 'busy', 'contextOverflow', 'generateFailed', 'badRequest']);
export type ModelErrorCode = z.infer<typeof ModelErrorCode>;

export const ErrorReply = z.object({
  type: z.literal('request/error'),
  id: z.string().optional(),
  code: ModelErrorCode,
  message: z.string(),
});

export const ModelToHost = z.discriminatedUnion('type', [StatusReply, ChunkMessage, ProgressMessage, DoneMessage, ErrorReply]);
export type ModelToHost = z.infer<typeof ModelToHost>;
