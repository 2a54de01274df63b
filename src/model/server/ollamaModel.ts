import type { ServerIdentity } from '../../protocol/inferenceServer';
import { OllamaGenerateChunk, OllamaShow, OllamaVersion } from '../../protocol/ollamaApi';
import { CompletionRequest, type CompletionResult } from '../../protocol/prompt';
import { promptAsText } from './plainText';
import { ServerError } from './serverError';
import { serverSampling } from './serverSampling';
import { baseUrl, displayUrl, requestJson, streamEvents, type ServerEndpoint } from './serverHttp';
import { cancelledResult, identityOnce, DEFAULT_SERVER_CONTEXT, identityWarnings, type ServerCompleteOptions, type ServerModel, type ServerModelOptions } from './serverModel';

/**
 * Ollama through POST /api/generate with `raw: true`: our rendered ChatML goes to the model as is,
 * past Ollama's own template. Ollama tokenizes raw prompts with special tokens enabled and has no
 * way to send token ids, so plain parts have their control markers neutralised (plainText.ts).
 * Ollama's window is whatever the request asks for (num_ctx), else its small default: ask for one.
 */
export function createOllamaModel(options: ServerModelOptions): ServerModel {
  const base = baseUrl(options.url);
  const url = displayUrl(base);
  const endpoint: ServerEndpoint = {
    base,
    name: `the Ollama server at ${url}`,
    apiKey: options.apiKey,
    hints: options.hints,
    limits: options.limits,
  };
  const identity = identityOnce(readIdentity);

  async function readIdentity(signal?: AbortSignal): Promise<ServerIdentity> {
    const model = options.model;
    if (!model) throw new ServerError('notFound', `Ollama needs a model name (e.g. hf.co/LocoreMind/LocoOperator-4B-GGUF:Q4_K_M): set the server model.`);
    await requestJson(endpoint, 'api/version', OllamaVersion, { method: 'GET', signal, missing: 'endpoint /api/version (is it Ollama?)' });
    const show = await requestJson(endpoint, 'api/show', OllamaShow, { method: 'POST', body: { model }, signal, missing: `model "${model}" (pull it first: ollama pull ${model})` });
    const trained = Object.entries(show.model_info ?? {}).find(([key]) => key.endsWith('.context_length'))?.[1];
    // The window the model's Modelfile sets, else the one it was trained with, up to LocoOperator's default.
    const configured = /^num_ctx\s+(\d+)\s*$/m.exec(show.parameters ?? '')?.[1];
    const contextSize =
      options.contextSize ?? (configured !== undefined ? Number(configured) : Math.min(typeof trained === 'number' ? trained : DEFAULT_SERVER_CONTEXT, DEFAULT_SERVER_CONTEXT));
    const warnings = identityWarnings({ url, model, contextSize, chatTemplate: show.template });
    return { kind: 'ollama', url, model, contextSize, chatTemplate: show.template, specialTokens: 'neutralised', warnings };
  }

  async function complete(request: CompletionRequest, { signal, onText }: ServerCompleteOptions): Promise<CompletionResult> {
    if (signal.aborted) return cancelledResult();
    const started = performance.now();
    const { prompt, sampling } = CompletionRequest.parse(request);
    const text: string[] = [];
    let final: OllamaGenerateChunk | undefined;
    let firstTokenAt: number | undefined;
    try {
      const { model, contextSize } = await identity.connect(signal);
      await streamEvents(endpoint, 'api/generate', OllamaGenerateChunk, {
        method: 'POST',
        format: 'ndjson',
        signal,
        missing: `model "${model}"`,
        body: {
          model,
          prompt: promptAsText(prompt),
          raw: true,
          stream: true,
          options: {
            num_ctx: contextSize,
            num_predict: sampling.maxTokens,
            ...serverSampling('ollama', sampling),
          },
        },
        onEvent: (event) => {
          if (event.done) final = event;
          if (event.response === '') return;
          firstTokenAt ??= performance.now();
          text.push(event.response);
          onText?.(event.response);
        },
      });
    } catch (error) {
      if (signal.aborted) return { ...cancelledResult(), text: text.join('') };
      throw error;
    }
    if (!final) throw new ServerError('malformed', `${endpoint.name} ended the answer without its final line.`);
    // Ollama counts only the prompt tokens it evaluated; its cache covers the rest, and the total is not reported.
    const evaluatedTokens = final.prompt_eval_count ?? 0;
    return {
      text: text.join(''),
      stopReason: final.done_reason === 'length' ? 'maxTokens' : 'endOfTurn',
      promptTokens: evaluatedTokens,
      evaluatedTokens,
      completionTokens: final.eval_count ?? 0,
      timeToFirstTokenMs: firstTokenAt === undefined ? undefined : firstTokenAt - started,
      generationMs: final.eval_duration === undefined ? undefined : final.eval_duration / 1e6,
    };
  }

  return {
    kind: 'ollama',
    get contextSize() {
      return identity.current?.contextSize ?? options.contextSize ?? DEFAULT_SERVER_CONTEXT;
    },
    connect: identity.connect,
    prepare: identity.prepare,
    complete,
    async dispose() {},
  };
}
