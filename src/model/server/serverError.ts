import { ServerErrorBody, type ServerLimit } from '../../protocol/inferenceServer';

/** What went wrong with a server, so callers (and tests) can tell the cases apart. */
export type ServerErrorKind =
  | 'unreachable'
  | 'tls'
  | 'auth'
  | 'notFound'
  | 'contextOverflow'
  | 'badRequest'
  | 'serverFailed'
  | 'malformed'
  | 'disconnected'
  /** A limit ran out (limitError). */
  | ServerLimit;

/** An error a user meets with a shared server, worded for them: what happened and what to do. */
export class ServerError extends Error {
  constructor(
    readonly kind: ServerErrorKind,
    message: string,
  ) {
    // Messages often start with the server's name ('the llama-server at …'): a sentence all the same.
    super(message.charAt(0).toUpperCase() + message.slice(1));
    this.name = 'ServerError';
  }
}

/** How the user fixes what only they can fix; the wording differs between the extension and the CLI. */
export interface ServerHints {
  /** How to set the API key, e.g. 'Set it with "LocoOperator: Set Server API Key…".' */
  apiKey: string;
  /** The setting or flag that sets each limit, e.g. 'locooperator.server.connectTimeoutSeconds'. */
  limits: Record<ServerLimit, string>;
}

/**
 * What a request waits for: one of the limits' waits, or `reply`, the answer to a request that
 * needs no model (the server's identity, tokenizing). A server gives that at once, whatever it is
 * busy with, so it has the connect limit: a server that takes connections and never answers is
 * found out in seconds, not after the minutes a prompt may take.
 */
export type ServerWait = ServerLimit | 'reply';

export function limitOf(wait: ServerWait): ServerLimit {
  return wait === 'reply' ? 'connect' : wait;
}

/**
 * A limit ran out. `name` is e.g. 'the llama-server at http://gpu:8080'; the message says which
 * wait it was and what sets its limit, so that a slow server can be given more time.
 */
export function limitError(name: string, wait: ServerWait, limitMs: number, hints: ServerHints): ServerError {
  const seconds = `${Math.ceil(limitMs / 1000)} s`;
  const setting = hints.limits[limitOf(wait)];
  switch (wait) {
    case 'connect':
      return new ServerError(
        'connect',
        `Cannot reach ${name}: no connection within ${seconds}. Is the server running, and are the host and port right? (${setting} sets this limit.)`,
      );
    case 'reply':
      return new ServerError(
        'connect',
        `${name} took the connection but has not answered within ${seconds} a request that needs no model, which a server answers at once. ` +
          `Is it stuck, or another kind of server? (${setting} sets this limit.)`,
      );
    case 'firstByte':
      return new ServerError(
        'firstByte',
        `${name} has not begun to answer: nothing came for ${seconds}. It may be busy with other requests, or reading a long prompt on a slow machine; to wait longer, raise ${setting}.`,
      );
    case 'idle':
      return new ServerError(
        'idle',
        `${name} went silent for ${seconds} in the middle of its answer: it seems to have stopped, or the network dropped. Ask again; if the server is only slow, raise ${setting}.`,
      );
  }
}

const TLS_CODES = /^(CERT_|ERR_TLS_|ERR_SSL_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_(GET|VERIFY)_|EPROTO$)/;

/** A connection that failed before any answer came. `name` is e.g. 'the llama-server at http://gpu:8080'. */
export function connectionError(name: string, error: NodeJS.ErrnoException): ServerError {
  const code = error.code ?? '';
  if (TLS_CODES.test(code)) {
    const plainHttp = /wrong version number|packet length too long/i.test(error.message);
    return new ServerError(
      'tls',
      plainHttp
        ? `The TLS connection to ${name} failed: the server does not speak TLS. Use http:// instead of https://.`
        : `The TLS connection to ${name} failed: ${error.message} (${code}). If the server's certificate comes from a private authority, ` +
            'start VS Code (or the CLI) with NODE_EXTRA_CA_CERTS set to that certificate file.',
    );
  }
  if (code === 'ECONNRESET') {
    return new ServerError('disconnected', `${name} closed the connection before answering; it may have stopped or crashed (see its log).`);
  }
  const why =
    code === 'ECONNREFUSED'
      ? 'connection refused. Is the server running, and are the host and port right?'
      : code === 'ENOTFOUND' || code === 'EAI_AGAIN'
        ? 'its host name is not known. Check the URL.'
        : `${error.message}${code && !error.message.includes(code) ? ` (${code})` : ''}.`;
  return new ServerError('unreachable', `Cannot reach ${name}: ${why}`);
}

/** The server's own words from an error body, if it sent any that parse. */
function serverMessage(body: string): { message?: string; type?: string; promptTokens?: number; contextSize?: number } {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    const text = body.trim().slice(0, 300);
    return text ? { message: text } : {};
  }
  const parsed = ServerErrorBody.safeParse(json);
  if (!parsed.success) return {};
  const data = parsed.data;
  if ('error' in data && typeof data.error === 'string') return { message: data.error };
  if ('error' in data && typeof data.error === 'object') {
    return { message: data.error.message, type: data.error.type, promptTokens: data.error.n_prompt_tokens, contextSize: data.error.n_ctx };
  }
  return 'message' in data ? { message: data.message, type: data.type } : {};
}

const OVERFLOW = /exceed_context_size|context (length|size|window)|maximum context|too many tokens|prompt is too long/i;

/**
 * An HTTP error status, or an error event inside a stream (status undefined), as a ServerError.
 * `missing` names what a 404 means on this request, e.g. 'the model "x"'.
 */
export function statusError(name: string, status: number | undefined, body: string, hints: ServerHints, hadKey: boolean, missing: string): ServerError {
  const said = serverMessage(body);
  const detail = said.message ? `: ${said.message}` : '';
  const code = status === undefined ? '' : `HTTP ${status}`;
  if (status === 401 || status === 403) {
    return new ServerError(
      'auth',
      hadKey
        ? `${name} refused the API key (${code}${detail}). ${hints.apiKey}`
        : `${name} needs an API key (${code}${detail}). ${hints.apiKey}`,
    );
  }
  if (status === 404) return new ServerError('notFound', `${name} has no ${missing} (${code}${detail}).`);
  if (OVERFLOW.test(`${said.type ?? ''} ${said.message ?? ''}`)) {
    const sizes = said.promptTokens && said.contextSize ? ` (the prompt has ${said.promptTokens} tokens, the window ${said.contextSize})` : '';
    return new ServerError(
      'contextOverflow',
      `The conversation does not fit the context window of ${name}${sizes}. Start a new session, or give the server a larger context ` +
        '(llama-server --ctx-size, vLLM --max-model-len, Ollama num_ctx).',
    );
  }
  if (status !== undefined && status >= 400 && status < 500) return new ServerError('badRequest', `${name} rejected the request (${code}${detail}).`);
  return new ServerError('serverFailed', `${name} failed${code ? ` (${code}${detail})` : detail}. Try again; if it keeps failing, look at the server's log.`);
}
