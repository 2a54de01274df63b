import type { ServerIdentity } from '../../protocol/inferenceServer';
import { LlamaServerProps } from '../../protocol/llamaServerApi';
import { OpenAiCompletionChunk, OpenAiModelList, type OpenAiUsage } from '../../protocol/openAiCompletionsApi';
import { CompletionRequest, type CompletionResult } from '../../protocol/prompt';
import { promptAsText } from './plainText';
import { ServerError } from './serverError';
import { serverSampling } from './serverSampling';
import { baseUrl, displayUrl, requestJson, streamEvents, type ServerEndpoint } from './serverHttp';
import { cancelledResult, identityOnce, DEFAULT_SERVER_CONTEXT, identityWarnings, type ServerCompleteOptions, type ServerModel, type ServerModelOptions } from './serverModel';

/**
 * An OpenAI-compatible server (vLLM, LM Studio, llama-server's /v1, …) through the raw completions
 * endpoint, POST /v1/completions: the prompt goes as our rendered ChatML text, never through a chat
 * endpoint that would re-template it. These servers tokenize the text with special tokens enabled,
 * so plain parts have their control markers neutralised (plainText.ts). Prefix caching is the
 * server's (vLLM's automatic prefix caching matches the re-sent prompt's leading blocks).
 */
export function createOpenAiCompletionsModel(options: ServerModelOptions): ServerModel {
  const given = baseUrl(options.url);
  // The OpenAI convention is a base URL ending in /v1; accept the bare host too.
  const base = given.pathname.endsWith('/v1/') ? given : new URL('v1/', given);
  const url = displayUrl(base);
  const endpoint: ServerEndpoint = {
    base,
    name: `the server at ${url}`,
    apiKey: options.apiKey,
    hints: options.hints,
    limits: options.limits,
  };
  const identity = identityOnce(readIdentity);

  async function readIdentity(signal?: AbortSignal): Promise<ServerIdentity> {
    const { data } = await requestJson(endpoint, 'models', OpenAiModelList, { method: 'GET', signal, missing: 'endpoint /v1/models (is it OpenAI-compatible?)' });
    const entry = options.model ? data.find((model) => model.id === options.model) : data[0];
    if (!entry) {
      const served = data.map((model) => `"${model.id}"`).join(', ') || 'none';
      throw new ServerError(
        'notFound',
        options.model ? `${endpoint.name} does not serve the model "${options.model}" (it serves ${served}).` : `${endpoint.name} serves no model.`,
      );
    }
    const contextSize = entry.max_model_len ?? entry.context_length ?? (await llamaServerWindow(signal)) ?? options.contextSize;
    const warnings = identityWarnings({ url, model: entry.id, contextSize });
    if (contextSize === undefined) {
      warnings.push(`${endpoint.name} does not say its context size; LocoOperator assumes ${DEFAULT_SERVER_CONTEXT} tokens. Set the context size if the server's is smaller.`);
    }
    return { kind: 'openai-compatible', url, model: entry.id, contextSize, specialTokens: 'neutralised', warnings };
  }

  /**
   * The window of each request when the server is llama-server's /v1 (its /props, beside /v1, says
   * it; its /v1/models only gives the window the model was trained with). Other servers have no
   * /props: then nothing is known from here.
   */
  async function llamaServerWindow(signal?: AbortSignal): Promise<number | undefined> {
    try {
      const props = await requestJson(endpoint, '../props', LlamaServerProps, { method: 'GET', signal, missing: 'endpoint /props' });
      return props.default_generation_settings.n_ctx;
    } catch (error) {
      if (signal?.aborted) throw error;
      return undefined;
    }
  }

  async function complete(request: CompletionRequest, { signal, onText }: ServerCompleteOptions): Promise<CompletionResult> {
    if (signal.aborted) return cancelledResult();
    const started = performance.now();
    const { prompt, sampling } = CompletionRequest.parse(request);
    const text: string[] = [];
    let finishReason: string | undefined;
    let usage: OpenAiUsage | undefined;
    let firstTokenAt: number | undefined;
    try {
      const { model } = await identity.connect(signal);
      await streamEvents(endpoint, 'completions', OpenAiCompletionChunk, {
        method: 'POST',
        format: 'sse',
        signal,
        missing: `model "${model}"`,
        body: {
          model,
          prompt: promptAsText(prompt),
          stream: true,
          stream_options: { include_usage: true },
          max_tokens: sampling.maxTokens,
          ...serverSampling('openai-compatible', sampling),
          // A server whose generation config does not end the turn at <|im_end|> still stops there.
          stop: ['<|im_end|>', '<|endoftext|>'],
        },
        onEvent: (event) => {
          if (event.usage) usage = event.usage;
          for (const choice of event.choices) {
            if (choice.finish_reason) finishReason = choice.finish_reason;
            if (choice.text === '') continue;
            firstTokenAt ??= performance.now();
            text.push(choice.text);
            onText?.(choice.text);
          }
        },
      });
    } catch (error) {
      if (signal.aborted) return { ...cancelledResult(), text: text.join('') };
      throw error;
    }
    if (finishReason === undefined) throw new ServerError('malformed', `${endpoint.name} ended the answer without a finish reason.`);
    const promptTokens = usage?.prompt_tokens ?? 0;
    return {
      text: text.join(''),
      stopReason: finishReason === 'length' ? 'maxTokens' : 'endOfTurn',
      promptTokens,
      evaluatedTokens: promptTokens - (usage?.prompt_tokens_details?.cached_tokens ?? 0),
      completionTokens: usage?.completion_tokens ?? 0,
      timeToFirstTokenMs: firstTokenAt === undefined ? undefined : firstTokenAt - started,
      generationMs: firstTokenAt === undefined ? undefined : performance.now() - firstTokenAt,
    };
  }

  return {
    kind: 'openai-compatible',
    get contextSize() {
      return identity.current?.contextSize ?? options.contextSize ?? DEFAULT_SERVER_CONTEXT;
    },
    connect: identity.connect,
    prepare: identity.prepare,
    complete,
    async dispose() {},
  };
}
