import http from 'node:http';
import { createServer, type AddressInfo, type Socket } from 'node:net';

/**
 * Loopback stand-ins for shared inference servers, following their published wire formats:
 * OpenAI's completions API (server-sent events, `data: [DONE]`, a final usage chunk) and Ollama's
 * /api/generate (NDJSON, a final `done` line with counts). Each route is a function, so a test can
 * make one answer wrongly (401, 500, a malformed or silent stream) and see what the client does.
 */
export interface RecordedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: unknown;
}

export type Route = (request: RecordedRequest, response: http.ServerResponse) => void;

export interface FakeServer {
  url: string;
  requests: RecordedRequest[];
  /** Resolves when a client has closed a request before its response ended (a Stop). */
  clientClosed(): Promise<void>;
  close(): Promise<void>;
}

export async function startFakeServer(routes: Record<string, Route>): Promise<FakeServer> {
  const requests: RecordedRequest[] = [];
  let closedEarly: () => void = () => {};
  const clientClosed = new Promise<void>((resolve) => (closedEarly = resolve));
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const recorded: RecordedRequest = {
        method: request.method ?? 'GET',
        path: (request.url ?? '/').split('?')[0]!,
        headers: request.headers,
        body: text ? JSON.parse(text) : undefined,
      };
      requests.push(recorded);
      response.on('close', () => {
        if (!response.writableEnded) closedEarly();
      });
      const route = routes[`${recorded.method} ${recorded.path}`];
      if (route) route(recorded, response);
      else json(response, 404, { error: { message: `no route ${recorded.method} ${recorded.path}`, type: 'not_found_error' } });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    clientClosed: () => clientClosed,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function json(response: http.ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'Content-Type': 'application/json' });
  response.end(JSON.stringify(body));
}

/** Starts a server-sent event stream and returns a writer for its `data:` lines. */
export function sse(response: http.ServerResponse): (data: unknown) => void {
  response.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
  return (data) => response.write(`data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`);
}

/** GET /v1/models as vLLM answers it (with max_model_len). */
export function openAiModels(id: string, maxModelLen?: number): Route {
  return (_request, response) => json(response, 200, { object: 'list', data: [{ id, object: 'model', owned_by: 'vllm', ...(maxModelLen ? { max_model_len: maxModelLen } : {}) }] });
}

/** POST /v1/completions streaming `pieces`, then finish_reason, usage and [DONE]. */
export function openAiCompletions(pieces: string[], usage = { prompt_tokens: 120, completion_tokens: 3, cached_tokens: 100 }): Route {
  return (request, response) => {
    const send = sse(response);
    const body = request.body as { model: string };
    const chunk = (text: string, finish: string | null) => ({ id: 'cmpl-1', object: 'text_completion', created: 1, model: body.model, choices: [{ index: 0, text, logprobs: null, finish_reason: finish }] });
    for (const piece of pieces) send(chunk(piece, null));
    send(chunk('', 'stop'));
    send({
      id: 'cmpl-1',
      object: 'text_completion',
      created: 1,
      model: body.model,
      choices: [],
      usage: { prompt_tokens: usage.prompt_tokens, completion_tokens: usage.completion_tokens, total_tokens: usage.prompt_tokens + usage.completion_tokens, prompt_tokens_details: { cached_tokens: usage.cached_tokens } },
    });
    send('[DONE]');
    response.end();
  };
}

/** Ollama serving `model`, which writes `pieces`; `parameters` are its Modelfile's, as /api/show lists them. */
export function ollamaRoutes(model: string, pieces: string[], parameters?: string): Record<string, Route> {
  return {
    'GET /api/version': (_request, response) => json(response, 200, { version: '0.12.0' }),
    'POST /api/show': (request, response) => {
      if ((request.body as { model: string }).model !== model) return json(response, 404, { error: `model '${(request.body as { model: string }).model}' not found` });
      json(response, 200, {
        template: '{{- range .Messages }}<|im_start|>{{ .Role }}\n{{ .Content }}<|im_end|>\n{{ end }}<|im_start|>assistant\n',
        model_info: { 'general.architecture': 'qwen3', 'qwen3.context_length': 262144 },
        ...(parameters === undefined ? {} : { parameters }),
      });
    },
    'POST /api/generate': (request, response) => {
      response.writeHead(200, { 'Content-Type': 'application/x-ndjson' });
      const created_at = '2026-12-03T00:00:00Z';
      for (const piece of pieces) response.write(`${JSON.stringify({ model, created_at, response: piece, done: false })}\n`);
      response.end(
        `${JSON.stringify({ model, created_at, response: '', done: true, done_reason: 'stop', total_duration: 5e8, prompt_eval_count: 42, prompt_eval_duration: 1e8, eval_count: pieces.length, eval_duration: 2e8 })}\n`,
      );
    },
  };
}

/** A route that takes the request and never answers: no headers, no body. */
export const neverAnswers: Route = () => {};

/** A route that sends its headers (a server-sent event stream) and then nothing. */
export const headersThenNothing: Route = (_request, response) => {
  response.writeHead(200, { 'Content-Type': 'text/event-stream' });
  response.flushHeaders();
};

/** llama-server's identity: /props (a ChatML template, the model's file) and /tokenize (one id per ChatML marker). */
export function llamaServerIdentity(): Record<string, Route> {
  return {
    'GET /props': (_request, response) =>
      json(response, 200, {
        default_generation_settings: { n_ctx: 16_384 },
        model_path: '/models/LocoOperator-4B-Q4_K_M.gguf',
        chat_template: "{% for message in messages %}<|im_start|>{{ message['role'] }}\n{{ message['content'] }}<|im_end|>\n{% endfor %}",
      }),
    'POST /tokenize': (_request, response) => json(response, 200, { tokens: [7] }),
  };
}

/** llama-server reading a prompt: its /completion reports progress, then nothing. */
export function llamaServerReadingForEver(): Record<string, Route> {
  return {
    ...llamaServerIdentity(),
    'POST /completion': (_request, response) => sse(response)({ content: '', stop: false, prompt_progress: { total: 4096, cache: 0, processed: 2048 } }),
  };
}

/**
 * A TCP port that accepts connections and never says a word: over https:// the TLS handshake never
 * completes, so the connection is never made.
 */
export async function startMuteTcpServer(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
