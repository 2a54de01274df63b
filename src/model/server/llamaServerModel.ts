import { getMaxListeners, setMaxListeners } from 'node:events';
import path from 'node:path';
import type { ServerIdentity } from '../../protocol/inferenceServer';
import { LlamaCompletionChunk, LlamaServerProps, LlamaTokenizeResponse } from '../../protocol/llamaServerApi';
import { CompletionRequest, type CompletionResult, type PromptPart } from '../../protocol/prompt';
import { flattenTokens, type TokenChunk } from '../tokenHistory';
import { ConversationHistories, type PickedHistory } from './conversationHistories';
import { ServerError } from './serverError';
import { serverSampling } from './serverSampling';
import { StreamedIds } from './streamedIds';
import { baseUrl, displayUrl, requestJson, streamEvents, type ServerEndpoint } from './serverHttp';
import { cancelledResult, identityOnce, DEFAULT_SERVER_CONTEXT, identityWarnings, type ServerCompleteOptions, type ServerModel, type ServerModelOptions } from './serverModel';

/**
 * llama.cpp's llama-server through its native POST /completion, which takes the prompt as token
 * ids. Plain parts are tokenized by the server's POST /tokenize with `parse_special: false`, so a
 * file's `<|im_end|>` stays ordinary text; special parts are tokenized with special parsing on.
 *
 * KV reuse: `cache_prompt` makes the server evaluate only what follows the longest prefix its slot
 * already holds. As in the embedded engine, the ids the server sampled are kept (StreamedIds,
 * ConversationHistories) so that the next turn's prompt starts with exactly those ids, not a
 * re-tokenization of their text.
 */
export function createLlamaServerModel(options: ServerModelOptions): ServerModel {
  const base = baseUrl(options.url);
  const url = displayUrl(base);
  const endpoint: ServerEndpoint = {
    base,
    name: `the llama-server at ${url}`,
    apiKey: options.apiKey,
    hints: options.hints,
    limits: options.limits,
  };
  const histories = new ConversationHistories();
  /** Special texts are few (the two ChatML markers): tokenized once. */
  const specialIds = new Map<string, number[]>();
  const identity = identityOnce(readIdentity);
  let queue: Promise<unknown> = Promise.resolve();

  async function tokenize(part: PromptPart, signal?: AbortSignal): Promise<number[]> {
    const known = part.special ? specialIds.get(part.text) : undefined;
    if (known) return known;
    const { tokens } = await requestJson(endpoint, 'tokenize', LlamaTokenizeResponse, {
      method: 'POST',
      body: { content: part.text, add_special: false, parse_special: part.special, with_pieces: false },
      signal,
      missing: 'endpoint /tokenize (is it a llama-server?)',
    });
    if (part.special) specialIds.set(part.text, tokens);
    return tokens;
  }

  async function readIdentity(signal?: AbortSignal): Promise<ServerIdentity> {
    const props = await requestJson(endpoint, 'props', LlamaServerProps, { method: 'GET', signal, missing: 'endpoint /props (is it a llama-server?)' });
    // Without --alias the alias is the model's path: the file name says enough.
    const alias = props.model_alias && props.model_alias !== props.model_path ? props.model_alias : undefined;
    const model = alias ?? (props.model_path ? path.basename(props.model_path) : 'unknown model');
    const contextSize = props.default_generation_settings.n_ctx;
    const warnings = identityWarnings({ url, model, contextSize, chatTemplate: props.chat_template });
    // The markers must be single control tokens of this vocabulary, or the prompt is not ChatML to the model.
    for (const marker of ['<|im_start|>', '<|im_end|>']) {
      const ids = await tokenize({ text: marker, special: true }, signal);
      if (ids.length !== 1) {
        warnings.push(`The model "${model}" at ${url} has no ${marker} token: it is not a Qwen model, and LocoOperator's prompts will not work with it.`);
      }
    }
    return { kind: 'llama-server', url, model, contextSize, chatTemplate: props.chat_template, specialTokens: 'tokenIds', warnings };
  }

  async function run(request: CompletionRequest, { signal, onText, onProgress }: ServerCompleteOptions): Promise<CompletionResult> {
    if (signal.aborted) return cancelledResult();
    const started = performance.now();
    const { prompt, sampling } = CompletionRequest.parse(request);
    let picked: PickedHistory | undefined;
    let chunks: TokenChunk[] = [];
    let promptTokens: number[] = [];
    const text: string[] = [];
    const reply = new StreamedIds();
    let final: LlamaCompletionChunk | undefined;
    let firstTokenAt: number | undefined;
    try {
      const { contextSize } = await identity.connect(signal);
      if (options.reuseCache === false) histories.clear();
      picked = histories.pick(prompt);
      const { reused, rest } = picked;
      // Each part is tokenized by a request of its own, all at once, each listening to the signal.
      setMaxListeners(Math.max(getMaxListeners(signal), rest.length + 10), signal);
      const fresh = await Promise.all(rest.map(async (part) => ({ ...part, tokens: await tokenize(part, signal) })));
      chunks = [...reused, ...fresh];
      promptTokens = flattenTokens(chunks);
      if (promptTokens.length >= (contextSize ?? Infinity)) {
        throw new ServerError(
          'contextOverflow',
          `The conversation (${promptTokens.length} tokens) does not fit the context window of ${endpoint.name} (${contextSize} tokens). ` +
            'Start a new session, or restart the server with a larger --ctx-size.',
        );
      }
      await streamEvents(endpoint, 'completion', LlamaCompletionChunk, {
        method: 'POST',
        format: 'sse',
        signal,
        missing: 'endpoint /completion (is it a llama-server?)',
        body: {
          prompt: promptTokens,
          stream: true,
          cache_prompt: options.reuseCache !== false,
          return_progress: true,
          ...(options.model ? { model: options.model } : {}),
          ...(options.grammar ? { grammar: options.grammar } : {}),
          n_predict: contextSize === undefined ? sampling.maxTokens : Math.min(sampling.maxTokens, contextSize - promptTokens.length),
          ...serverSampling('llama-server', sampling),
        },
        isProgress: (event) => event.prompt_progress !== undefined && !event.stop,
        onEvent: (event) => {
          if (event.stop) {
            final = event;
            return;
          }
          if (event.prompt_progress) {
            const { total, cache, processed } = event.prompt_progress;
            onProgress?.(processed - cache, total - cache);
            return;
          }
          reply.add(event.tokens, event.content, event.tokens_predicted);
          if (event.content === '') return;
          firstTokenAt ??= performance.now();
          text.push(event.content);
          onText?.(event.content);
        },
      });
    } catch (error) {
      // The server learns of a Stop from the closed connection and frees its slot.
      if (picked && chunks.length > 0) histories.remember(picked, chunks, undefined);
      if (signal.aborted) return { ...cancelledResult(promptTokens.length), text: text.join('') };
      throw error;
    }
    if (!final) throw new ServerError('malformed', `${endpoint.name} ended the answer without its final event.`);
    histories.remember(picked, chunks, reply.chunk(final));
    return {
      text: text.join(''),
      stopReason: final.stop_type === 'limit' || final.truncated ? 'maxTokens' : 'endOfTurn',
      promptTokens: promptTokens.length,
      // The server's own count of what it evaluated for this prompt (the whole prompt if it does not say).
      evaluatedTokens: final.timings?.prompt_n ?? promptTokens.length,
      completionTokens: Math.max(0, (final.tokens_predicted ?? 0) - (final.stop_type === 'eos' ? 1 : 0)),
      timeToFirstTokenMs: firstTokenAt === undefined ? undefined : firstTokenAt - started,
      generationMs: firstTokenAt === undefined ? undefined : performance.now() - firstTokenAt,
    };
  }

  return {
    kind: 'llama-server',
    get contextSize() {
      return identity.current?.contextSize ?? options.contextSize ?? DEFAULT_SERVER_CONTEXT;
    },
    connect: identity.connect,
    prepare: identity.prepare,
    complete(request, completeOptions) {
      // One request at a time: the prompt cache follows one conversation, as in the embedded engine.
      const next = queue.then(() => run(request, completeOptions));
      queue = next.catch(() => undefined);
      return next;
    },
    async dispose() {
      await queue;
    },
  };
}
