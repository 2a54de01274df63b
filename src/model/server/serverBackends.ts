import type { z } from 'zod';
import type { ServerKind } from '../../protocol/inferenceServer';
import { LlamaServerProps } from '../../protocol/llamaServerApi';
import { OllamaVersion } from '../../protocol/ollamaApi';
import { createLlamaServerModel } from './llamaServerModel';
import { createOllamaModel } from './ollamaModel';
import { createOpenAiCompletionsModel } from './openAiCompletionsModel';
import { ServerError } from './serverError';
import { baseUrl, displayUrl, requestJson, type ServerEndpoint } from './serverHttp';
import type { ServerModel, ServerModelOptions } from './serverModel';

export function createServerModel(kind: ServerKind, options: ServerModelOptions): ServerModel {
  switch (kind) {
    case 'llama-server':
      return createLlamaServerModel(options);
    case 'openai-compatible':
      return createOpenAiCompletionsModel(options);
    case 'ollama':
      return createOllamaModel(options);
  }
}

/**
 * Which kind of server answers at `url`: llama-server has GET /props, Ollama GET /api/version;
 * anything else is taken as OpenAI-compatible. A server that cannot be reached, or that refuses
 * the key, is an error now rather than a wrong guess.
 */
export async function detectServerKind(options: Pick<ServerModelOptions, 'url' | 'apiKey' | 'hints' | 'limits'>, signal?: AbortSignal): Promise<ServerKind> {
  const base = baseUrl(options.url);
  const endpoint: ServerEndpoint = { base, name: `the server at ${displayUrl(base)}`, apiKey: options.apiKey, hints: options.hints, limits: options.limits };
  const answers = async (path: string, schema: z.ZodType) => {
    try {
      await requestJson(endpoint, path, schema, { method: 'GET', signal, missing: `endpoint /${path}` });
      return true;
    } catch (error) {
      if (error instanceof ServerError && ['unreachable', 'tls', 'auth', 'connect', 'firstByte', 'idle'].includes(error.kind)) throw error;
      return false;
    }
  };
  if (await answers('props', LlamaServerProps)) return 'llama-server';
  if (await answers('api/version', OllamaVersion)) return 'ollama';
  return 'openai-compatible';
}
