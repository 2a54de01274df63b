import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import type { z } from 'zod';
import type { ServerLimit } from '../../protocol/inferenceServer';
import { connectionError, limitError, limitOf, ServerError, statusError, type ServerHints, type ServerWait } from './serverError';

/**
 * How long each wait on a server may last, in milliseconds; 0 waits for ever. The defaults, and
 * why they are what they are, live with the settings (protocol/settings.ts).
 */
export type ServerLimits = Record<ServerLimit, number>;

/**
 * HTTP to an inference server, on node:http rather than fetch: fetch (undici) gives up on a
 * response whose headers take over five minutes, and a CPU server reading a long prompt may take
 * longer. Instead each request goes through three waits with a limit each (ServerLimits):
 * connecting; then, until the answer begins, silence of `firstByte` (headers, pings and prompt
 * progress are signs of life, not the answer: vLLM sends its headers before it reads the prompt),
 * or of `connect` for a request that needs no model (ServerWait); then silence of `idle` between
 * bytes of the answer.
 */
export interface ServerEndpoint {
  /** Paths resolve against it (its path ends with /). */
  base: URL;
  /** The server as messages name it, e.g. 'the llama-server at http://gpu:8080'. */
  name: string;
  /** Sent as `Authorization: Bearer …`; never logged, never part of a message. */
  apiKey?: string;
  hints: ServerHints;
  limits: ServerLimits;
}

/** How the address reads in messages and the status: no credentials, query or trailing slash. */
export function displayUrl(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`;
}

/** A base URL that relative paths extend, whatever the user typed after the host. */
export function baseUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url.includes('://') ? url : `http://${url}`);
  } catch {
    throw new ServerError('unreachable', `"${url}" is not a server URL; it looks like http://host:8080.`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new ServerError('unreachable', `"${url}" is not an http:// or https:// URL.`);
  }
  parsed.search = '';
  parsed.hash = '';
  if (!parsed.pathname.endsWith('/')) parsed.pathname += '/';
  return parsed;
}

interface RequestOptions {
  method: 'GET' | 'POST';
  body?: unknown;
  signal?: AbortSignal;
  /** What a 404 means for this request, e.g. 'endpoint /props'. */
  missing: string;
}

const ERROR_BODY_LIMIT = 64 * 1024;

interface Answer {
  response: IncomingMessage;
  /** Call on every chunk read: it restarts the limit of the current wait. */
  touch(): void;
  /** Call when the answer itself begins (not a ping or a progress report): silence is `idle`'s from then on. */
  begin(): void;
}

/**
 * Sends a request and resolves with a 2xx response; anything else rejects with a worded ServerError.
 * `answer` is what the request waits for once connected: 'firstByte' when the model runs, 'reply' when not.
 */
function send(endpoint: ServerEndpoint, path: string, options: RequestOptions, answer: 'firstByte' | 'reply'): Promise<Answer> {
  const url = new URL(path.replace(/^\//, ''), endpoint.base);
  const payload = options.body === undefined ? undefined : Buffer.from(JSON.stringify(options.body));
  const headers: Record<string, string> = { Accept: 'application/json, text/event-stream, application/x-ndjson' };
  if (payload) {
    headers['Content-Type'] = 'application/json';
    headers['Content-Length'] = String(payload.length);
  }
  if (endpoint.apiKey) headers.Authorization = `Bearer ${endpoint.apiKey}`;
  const client = url.protocol === 'https:' ? https : http;
  // A connection of its own for each request: a kept-alive socket that the server has meanwhile
  // closed fails the next request with "socket hang up", and a Stop closes the connection anyway.
  const request = client.request(url, { method: options.method, headers, signal: options.signal, agent: false });
  let received: IncomingMessage | undefined;
  let timer: NodeJS.Timeout | undefined;
  /** Starts the limit of the wait the request is now in (and ends the previous one). */
  const wait = (next: ServerWait | undefined) => {
    clearTimeout(timer);
    const limitMs = next === undefined ? 0 : endpoint.limits[limitOf(next)];
    if (limitMs <= 0) return;
    timer = setTimeout(() => {
      const error = limitError(endpoint.name, next!, limitMs, endpoint.hints);
      request.destroy(error);
      received?.destroy(error);
    }, limitMs);
  };
  let begun = false;
  const touch = () => wait(begun ? 'idle' : answer);
  const begin = () => void (begun = true);
  const answered = new Promise<Answer>((resolve, reject) => {
    wait('connect');
    request.on('socket', (socket) => {
      socket.setKeepAlive(true, 30_000);
      // The socket is a fresh one (agent: false); over https it is connected once the TLS handshake is done.
      socket.once(url.protocol === 'https:' ? 'secureConnect' : 'connect', () => wait(answer));
    });
    request.on('close', () => {
      if (!received) wait(undefined);
    });
    request.on('error', (error: NodeJS.ErrnoException) => {
      if (error instanceof ServerError || error.name === 'AbortError') reject(error);
      else reject(connectionError(endpoint.name, error));
    });
    request.on('response', (response) => {
      received = response;
      touch();
      response.on('close', () => wait(undefined));
      const status = response.statusCode ?? 0;
      if (status >= 200 && status < 300) {
        resolve({ response, touch, begin });
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        begin();
        touch();
        if (size < ERROR_BODY_LIMIT) chunks.push(chunk);
        size += chunk.length;
      });
      response.on('end', () =>
        reject(statusError(endpoint.name, status, Buffer.concat(chunks).toString('utf8'), endpoint.hints, Boolean(endpoint.apiKey), options.missing)),
      );
      response.on('error', (error) => reject(error instanceof ServerError ? error : connectionError(endpoint.name, error)));
    });
  });
  request.end(payload);
  return answered;
}

/** Reads the whole body; a connection that drops before the end is a clear error, not a truncated answer. */
async function readBody(endpoint: ServerEndpoint, { response, touch, begin }: Answer): Promise<string> {
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of response) {
      begin();
      touch();
      chunks.push(chunk as Buffer);
    }
  } catch (error) {
    throw midStreamError(endpoint, error);
  }
  if (!response.complete) throw new ServerError('disconnected', `${endpoint.name} closed the connection before it finished answering.`);
  return Buffer.concat(chunks).toString('utf8');
}

function midStreamError(endpoint: ServerEndpoint, error: unknown): Error {
  if (error instanceof ServerError || (error as Error).name === 'AbortError') return error as Error;
  return new ServerError('disconnected', `${endpoint.name} closed the connection in the middle of the answer (${(error as Error).message}).`);
}

function malformed(endpoint: ServerEndpoint, what: string, issues: z.ZodError | string): ServerError {
  const detail = typeof issues === 'string' ? issues : issues.issues.map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`).join('; ');
  return new ServerError('malformed', `${endpoint.name} sent a malformed ${what} (${detail.slice(0, 300)}). Is the server kind right, and is it up to date?`);
}

/** GET or POST returning one JSON body, checked against `schema`. */
export async function requestJson<T>(
  endpoint: ServerEndpoint,
  path: string,
  schema: z.ZodType<T>,
  options: RequestOptions,
): Promise<T> {
  const text = await readBody(endpoint, await send(endpoint, path, options, 'reply'));
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw malformed(endpoint, `answer to ${path}`, `not JSON: ${JSON.stringify(text.slice(0, 80))}`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw malformed(endpoint, `answer to ${path}`, parsed.error);
  return parsed.data;
}

/**
 * POSTs and hands each streamed event, checked against `schema`, to `onEvent` as it arrives:
 * server-sent events (`data: …` lines; comments are pings; `[DONE]` ends) or NDJSON lines.
 * An `{"error": …}` event is the server failing mid-answer. Aborting `signal` closes the
 * connection, which is how llama-server, vLLM and Ollama learn to stop generating.
 * `isProgress` tells the events that only report the prompt being read: the answer has not begun.
 */
export async function streamEvents<T>(
  endpoint: ServerEndpoint,
  path: string,
  schema: z.ZodType<T>,
  options: RequestOptions & { format: 'sse' | 'ndjson'; onEvent(event: T): void; isProgress?(event: T): boolean },
): Promise<void> {
  const { response, touch, begin } = await send(endpoint, path, options, 'firstByte');
  response.setEncoding('utf8');
  let buffered = '';
  let done = false;
  const handle = (line: string) => {
    let data = line.trim();
    if (data === '') return;
    if (options.format === 'sse') {
      if (!data.startsWith('data:')) return; // ':' pings, 'event:', 'id:' and 'retry:' lines
      data = data.slice('data:'.length).trim();
      if (data === '[DONE]') {
        done = true;
        return;
      }
    }
    let json: unknown;
    try {
      json = JSON.parse(data);
    } catch {
      throw malformed(endpoint, 'stream', `not JSON: ${JSON.stringify(data.slice(0, 80))}`);
    }
    if (typeof json === 'object' && json !== null && 'error' in json) {
      throw statusError(endpoint.name, undefined, data, endpoint.hints, Boolean(endpoint.apiKey), 'model');
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) throw malformed(endpoint, 'stream event', parsed.error);
    if (!options.isProgress?.(parsed.data)) begin();
    options.onEvent(parsed.data);
  };
  try {
    for await (const chunk of response) {
      buffered += chunk as string;
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        handle(line);
        if (done) return;
      }
      touch();
    }
    handle(buffered);
  } catch (error) {
    response.destroy();
    throw midStreamError(endpoint, error);
  }
  if (!response.complete) throw new ServerError('disconnected', `${endpoint.name} closed the connection in the middle of the answer.`);
}
