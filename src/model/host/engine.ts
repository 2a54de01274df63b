import type { Llama, LlamaContext, LlamaContextSequence, LlamaGrammar, LlamaModel, Token } from 'node-llama-cpp';
import type { GpuChoice, ModelBackend, ResolvedSampling } from '../../protocol/modelHost';
import type { CompletionResult, PromptPart } from '../../protocol/prompt';
import { freemem } from 'node:os';
import { autoContextSize, MIN_AUTO_CONTEXT } from '../autoContextSize';
import { loadLlamaBuild } from './llamaBuild';
import { ParkedConversations, PARK_MIN_TOKENS } from './parkedConversations';
import { commonPrefixLength, flattenTokens, TokenHistory, type TokenChunk, type Tokenize } from '../tokenHistory';

export interface EngineOptions {
  modelPath: string;
  contextSize: number | 'auto';
  maxContextSize: number;
  /** KV-cache bytes per token at f16, from the file's attention shape. */
  kvBytesPerToken: number;
  threads: number;
  gpu: GpuChoice;
  grammar?: string;
  /** How long one prefill chunk should take (a cancel does not wait for it; the next generation may). */
  prefillChunkTargetMs?: number;
}

export class ContextOverflowError extends Error {}

/**
 * Prefill is evaluated in chunks, and a cancel does not wait for the chunk in flight: llama.cpp
 * cannot stop inside a batch (this node-llama-cpp exposes no abort callback), so the generation
 * answers "cancelled" at once and the chunk finishes in the background; the next generation waits
 * for it (at most one chunk) before it touches the sequence. Chunk sizes are therefore chosen for
 * speed, not for cancel latency: at least EFFICIENT_PREFILL_CHUNK tokens, because smaller batches
 * cost far more per token on a CPU (at LocoOperator-4B's size, llama-bench measured 10.8 tok/s with
 * 8-token batches against 15.5 with 64), and larger ones where a chunk still lasts about the
 * target, so that a fast machine does not pay a round trip per 64 tokens and the progress shown
 * while a long prompt is read still moves. The pace carries over to the next prefill.
 */
export const DEFAULT_PREFILL_CHUNK_TARGET_MS = 1000;
const EFFICIENT_PREFILL_CHUNK = 64;
/** How many tokens may end inside a multi-byte character before the bytes are emitted anyway. */
const MAX_HELD_TOKENS = 4;

/** Turns generated tokens into text chunks without splitting a UTF-8 character between chunks. */
class TextStream {
  private pending: Token[] = [];
  text = '';

  constructor(private readonly model: LlamaModel) {}

  push(token: Token): string {
    this.pending.push(token);
    const piece = this.model.detokenize(this.pending);
    if (piece.endsWith('\uFFFD') && this.pending.length < MAX_HELD_TOKENS) return '';
    return this.emit(piece);
  }

  flush(): string {
    return this.pending.length === 0 ? '' : this.emit(this.model.detokenize(this.pending));
  }

  private emit(piece: string): string {
    this.pending = [];
    this.text += piece;
    return piece;
  }
}

/**
 * The window to allocate. On the CPU, `auto` is sized from the memory available now that the
 * weights are loaded (see autoContextSize); on a GPU the cache lives in video memory, which
 * node-llama-cpp measures itself, within the same bounds.
 */
function contextSizeFor(options: EngineOptions, onCpu: boolean): number | { min: number; max: number } {
  if (options.contextSize !== 'auto') return options.contextSize;
  if (onCpu) return autoContextSize({ availableBytes: freemem(), kvBytesPerToken: options.kvBytesPerToken, maxContextSize: options.maxContextSize });
  return { min: Math.min(MIN_AUTO_CONTEXT, options.maxContextSize), max: options.maxContextSize };
}

/**
 * One loaded model with one context sequence, owned by the model host process. Only this
 * directory loads node-llama-cpp, and only through a dynamic import: it is ESM-only and native.
 */
export class Engine {
  /** The token history of the conversation the sequence holds. */
  private history = new TokenHistory();
  private readonly tokenize: Tokenize;
  private readonly parked = new ParkedConversations((line) => process.stderr.write(`${line}\n`));
  /** The last prefill chunk's speed and the size it called for; the next prefill starts from it. */
  private prefillPace: { msPerToken: number; chunkSize: number } | undefined;
  /** A prefill chunk still being evaluated after its generation was cancelled. */
  private chunkInFlight: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly llama: Llama,
    private readonly model: LlamaModel,
    private readonly context: LlamaContext,
    private readonly sequence: LlamaContextSequence,
    private readonly grammar: LlamaGrammar | undefined,
    private readonly LlamaGrammarEvaluationState: typeof import('node-llama-cpp').LlamaGrammarEvaluationState,
    readonly options: EngineOptions,
  ) {
    this.tokenize = (text, special) => model.tokenize(text, special);
  }

  /** `onLoadProgress` hears the fraction of the model loaded (0..1) as llama.cpp reads it. */
  static async load(options: EngineOptions, onLoadProgress?: (progress: number) => void): Promise<Engine> {
    const { getLlama, LlamaLogLevel, LlamaGrammarEvaluationState } = await import('node-llama-cpp');
    // llama.cpp says why a load failed only in its log; keep the errors to explain the failure.
    const errors: string[] = [];
    const logger = (level: string, message: string) => {
      if (level === LlamaLogLevel.error || level === LlamaLogLevel.fatal) errors.push(message.trim());
      process.stderr.write(`[llama.cpp ${level}] ${message}\n`);
    };
    const explain = (error: unknown) => {
      const reasons = errors.splice(0).filter((line) => line !== '');
      return reasons.length > 0 ? `${(error as Error).message} (${reasons.slice(-3).join('; ')})` : (error as Error).message;
    };
    const common = { build: 'never', logLevel: LlamaLogLevel.warn, logger, maxThreads: options.threads } as const;
    const llama: Llama = await loadLlamaBuild((gpu) => getLlama({ ...common, gpu }), options.gpu, (line) => process.stderr.write(`${line}\n`));
    let grammar: LlamaGrammar | undefined;
    try {
      grammar = options.grammar === undefined ? undefined : await llama.createGrammar({ grammar: options.grammar });
    } catch (error) {
      await llama.dispose();
      throw new Error(`The grammar is not valid GBNF: ${explain(error)}`);
    }
    let model: LlamaModel;
    try {
      model = await llama.loadModel({ modelPath: options.modelPath, onLoadProgress });
    } catch (error) {
      await llama.dispose();
      throw new Error(explain(error));
    }
    try {
      // The KV cache stays f16, and flash attention stays 'auto' (llama.cpp turns it on wherever
      // the back-end has it, the CPU included). Measured at LocoOperator-4B's size on two cores
      // (bench:real-size, kvSpeed): flash attention doubles prefill 4,096 tokens into a
      // conversation (16.1 against 8.6 tok/s) and decode there (4.8 against 2.0); a q8_0 cache
      // halves the memory but cuts that prefill to 4.7 tok/s and decode to 2.7 on the CPU. Prefill
      // is most of a user's wait, and the window is sized to the memory anyway (autoContextSize).
      // (The f16 figures were taken with other work on the machine, the q8_0 ones without: the gap
      // is if anything larger.)
      // Decode on the CPU runs at about 0.85x of llama-bench, and the gap is in node-llama-cpp's
      // native addon, not here: it attaches no ggml threadpool, so llama.cpp starts and joins its
      // worker threads for every token. Measured in alternating pairs (two cores, 64 tokens):
      // llama-bench built without OpenMP decodes at 12.77 tok/s with its threadpool and 10.96
      // with it detached; the engine at 10.64. Prefill, in batches of hundreds, does not notice.
      const context = await model.createContext({
        contextSize: contextSizeFor(options, llama.gpu === false),
        threads: options.threads,
        sequences: 1,
      });
      return new Engine(llama, model, context, context.getSequence(), grammar, LlamaGrammarEvaluationState, options);
    } catch (error) {
      await model.dispose();
      await llama.dispose();
      const size = options.contextSize === 'auto' ? `up to ${options.maxContextSize}` : String(options.contextSize);
      throw new Error(`Could not allocate a context of ${size} tokens: ${explain(error)}. Try a smaller context size.`);
    }
  }

  get backend(): ModelBackend {
    return this.llama.gpu === false ? 'cpu' : this.llama.gpu;
  }

  get contextSize(): number {
    return this.context.contextSize;
  }

  /** Tokens the sequence has evaluated and generated since loading, as llama.cpp counted them. */
  get tokenMeter(): { input: number; output: number } {
    const meter = this.sequence.tokenMeter;
    return { input: meter.usedInputTokens, output: meter.usedOutputTokens };
  }

  get threads(): number {
    return this.context.currentThreads;
  }

  /**
   * Completes a rendered prompt. The KV cache keeps the longest token prefix this prompt shares
   * with what was evaluated before; only the rest is evaluated.
   */
  async generate(
    prompt: readonly PromptPart[],
    sampling: ResolvedSampling,
    options: {
      reuseCache: boolean;
      signal: AbortSignal;
      onText: (text: string) => void;
      onProgress: (evaluated: number, total: number) => void;
    },
  ): Promise<CompletionResult> {
    const started = performance.now();
    await this.chunkInFlight;
    if (!options.reuseCache) {
      this.history.clear();
      this.parked.clear();
      await this.sequence.clearHistory();
    }
    let chunks = this.history.chunksFor(prompt, this.tokenize);
    let tokens = flattenTokens(chunks) as Token[];
    if (tokens.length === 0) throw new Error('The prompt is empty.');
    if (tokens.length >= this.contextSize) {
      throw new ContextOverflowError(
        `The prompt has ${tokens.length} tokens, which does not fit the context window of ${this.contextSize} tokens.`,
      );
    }
    // Parking and restoring write and read the KV state (hundreds of MB for a real model): a cancel
    // that came meanwhile returns before anything is evaluated. The history still matches the sequence.
    const cancelledEarly = (): CompletionResult => ({
      text: '',
      stopReason: 'cancelled',
      promptTokens: tokens.length,
      evaluatedTokens: 0,
      completionTokens: 0,
    });
    if (options.reuseCache) {
      const reusable = commonPrefixLength(this.sequence.contextTokens, tokens);
      const match = this.parked.takeBestMatch(prompt, reusable, this.tokenize);
      // Another conversation is about to overwrite this one: keep it for when it returns.
      if (this.sequence.nextTokenIndex - reusable >= PARK_MIN_TOKENS && !options.signal.aborted) {
        await this.parked.park(this.sequence, this.history);
      }
      if (match && options.signal.aborted) this.parked.putBack(match);
      else if (match && (await this.parked.restore(match, this.sequence))) {
        this.history = match.parked.history;
        chunks = match.chunks;
        tokens = match.tokens;
      }
      if (options.signal.aborted) return cancelledEarly();
    }
    // The last prompt token is evaluated by the sampling call, so at least one is always kept back.
    const keep = Math.min(commonPrefixLength(this.sequence.contextTokens, tokens), tokens.length - 1);
    if (keep < this.sequence.nextTokenIndex) {
      await this.sequence.eraseContextTokenRanges([{ start: keep, end: this.sequence.nextTokenIndex }]);
    }
    // Tokens before `position` are in the KV cache: what this call evaluated is position - keep.
    let position = keep;
    const result = (
      stopReason: CompletionResult['stopReason'],
      stream?: TextStream,
      generated: Token[] = [],
      firstTokenAt?: number,
    ): CompletionResult => {
      this.remember(chunks, stream, generated);
      return {
        text: stream?.text ?? '',
        stopReason,
        promptTokens: tokens.length,
        evaluatedTokens: position - keep,
        completionTokens: generated.length,
        timeToFirstTokenMs: firstTokenAt === undefined ? undefined : firstTokenAt - started,
        generationMs: firstTokenAt === undefined ? undefined : performance.now() - firstTokenAt,
      };
    };

    const last = tokens.length - 1;
    const total = tokens.length - keep;
    const targetMs = this.options.prefillChunkTargetMs ?? DEFAULT_PREFILL_CHUNK_TARGET_MS;
    let chunkSize = this.prefillPace?.chunkSize ?? EFFICIENT_PREFILL_CHUNK;
    let msPerToken = this.prefillPace?.msPerToken;
    const cancelled = new Promise<'cancelled'>((resolve) => {
      if (options.signal.aborted) resolve('cancelled');
      else options.signal.addEventListener('abort', () => resolve('cancelled'), { once: true });
    });
    while (position < last) {
      if (options.signal.aborted) return result('cancelled');
      // A short remainder rides with this chunk only when the two together still fit the target.
      const remainder = last - (position + chunkSize);
      const merge = remainder <= 0 || (msPerToken !== undefined && remainder < chunkSize && (last - position) * msPerToken <= targetMs);
      const end = merge ? last : position + chunkSize;
      const chunkStarted = performance.now();
      const chunk = this.sequence.evaluateWithoutGeneratingNewTokens(tokens.slice(position, end));
      this.chunkInFlight = chunk.catch(() => undefined);
      if ((await Promise.race([chunk.then(() => 'evaluated' as const), cancelled])) === 'cancelled') return result('cancelled');
      const chunkMs = Math.max(performance.now() - chunkStarted, 0.01);
      msPerToken = chunkMs / (end - position);
      chunkSize = Math.min(this.context.batchSize, Math.max(EFFICIENT_PREFILL_CHUNK, Math.floor(targetMs / msPerToken)));
      this.prefillPace = { msPerToken, chunkSize };
      position = end;
      options.onProgress(position - keep, total);
    }
    if (options.signal.aborted) return result('cancelled');

    const maxTokens = Math.min(sampling.maxTokens, this.contextSize - tokens.length);
    const stream = new TextStream(this.model);
    const generated: Token[] = [];
    let stopReason: CompletionResult['stopReason'] = 'maxTokens';
    let firstTokenAt: number | undefined;
    for await (const token of this.sequence.evaluate([tokens[last]!], {
      temperature: sampling.temperature,
      topK: sampling.topK,
      topP: sampling.topP,
      seed: sampling.seed,
      grammarEvaluationState: this.grammar && new this.LlamaGrammarEvaluationState({ model: this.model, grammar: this.grammar }),
      yieldEogToken: true,
    })) {
      if (firstTokenAt === undefined) {
        firstTokenAt = performance.now();
        position = tokens.length;
      }
      if (this.model.isEogToken(token)) {
        stopReason = 'endOfTurn';
        break;
      }
      generated.push(token);
      const text = stream.push(token);
      if (text !== '') options.onText(text);
      if (options.signal.aborted) {
        stopReason = 'cancelled';
        break;
      }
      if (generated.length >= maxTokens) break;
    }
    const rest = stream.flush();
    if (rest !== '') options.onText(rest);
    return result(stopReason, stream, generated, firstTokenAt);
  }

  private remember(chunks: readonly TokenChunk[], stream: TextStream | undefined, generated: Token[]): void {
    this.history.remember(chunks, stream ? { text: stream.text, special: false, tokens: generated } : undefined);
  }

  async dispose(): Promise<void> {
    await this.chunkInFlight;
    this.parked.dispose();
    await this.context.dispose();
    await this.model.dispose();
    await this.llama.dispose();
  }
}
