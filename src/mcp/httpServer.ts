import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isJSONRPCRequest, type JSONRPCNotification } from '@modelcontextprotocol/sdk/types.js';
import { errorMessage } from '../protocol/errorMessage';
import { createExploreServer, type ExploreServerOptions } from './exploreServer';

export interface ExploreHttpServer {
  /** Where clients POST (http://127.0.0.1:PORT/mcp). */
  url: string;
  /** The headers a client must send: the bearer token that keeps other local processes out. */
  headers: Record<string, string>;
  close(): Promise<void>;
}

/**
 * The explore MCP server inside the extension host, over Streamable HTTP on the loopback
 * interface, so that VS Code's agents reach the extension's own model and its one queue (a
 * process of its own would load a second copy of the model). Every request must carry a random
 * bearer token that only the extension hands out (through its MCP server definition); each
 * client session gets its own protocol server over the shared explorer. A client that goes away
 * closes its session, which aborts its runs, and a client that drops the connection of a call
 * cancels that call; the model host is not touched.
 */
export async function startExploreHttpServer(options: ExploreServerOptions): Promise<ExploreHttpServer> {
  const token = randomBytes(32).toString('base64url');
  const expected = Buffer.from(`Bearer ${token}`);
  const sessions = new Map<string, StreamableHTTPServerTransport>();

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const given = Buffer.from(request.headers.authorization ?? '');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return reply(response, 401, 'Unauthorized');
    if (new URL(request.url ?? '/', 'http://127.0.0.1').pathname !== '/mcp') return reply(response, 404, 'Not found');
    const sessionId = request.headers['mcp-session-id'];
    const existing = typeof sessionId === 'string' ? sessions.get(sessionId) : undefined;
    if (existing) {
      if (request.method !== 'POST') return existing.handleRequest(request, response);
      const body = await readJson(request);
      if (body === undefined) return reply(response, 400, 'The request body is not JSON within 1 MB.');
      cancelOnDisconnect(existing, response, body);
      return existing.handleRequest(request, response, body);
    }
    if (request.method !== 'POST' || sessionId !== undefined) return reply(response, 404, 'No such session');
    // A new session starts with the client's initialize request.
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: randomUUID,
      onsessioninitialized: (id) => void sessions.set(id, transport),
      enableDnsRebindingProtection: true,
      allowedHosts: [`127.0.0.1:${port()}`],
    });
    transport.onclose = () => {
      if (transport.sessionId) sessions.delete(transport.sessionId);
    };
    await createExploreServer(options).connect(transport);
    await transport.handleRequest(request, response);
  };

  const http = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      options.log(`MCP request failed: ${errorMessage(error)}`);
      if (!response.headersSent) reply(response, 500, 'Internal error');
    });
  });
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(0, '127.0.0.1', () => resolve());
  });
  const port = () => (http.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port()}/mcp`,
    headers: { Authorization: `Bearer ${token}` },
    async close() {
      await Promise.all([...sessions.values()].map((transport) => transport.close()));
      sessions.clear();
      await new Promise<void>((resolve) => http.close(() => resolve()));
      http.closeAllConnections();
    },
  };
}

/**
 * A client that drops the connection of a request in progress has cancelled it: without an event
 * store the stream cannot be resumed, so the answer could never reach it, and its run would hold
 * the one model until its turns ran out. The SDK only forgets the stream; this tells the protocol
 * server what a client's own cancellation would.
 */
function cancelOnDisconnect(transport: StreamableHTTPServerTransport, response: ServerResponse, body: unknown): void {
  const ids = (Array.isArray(body) ? body : [body]).flatMap((message: unknown) => (isJSONRPCRequest(message) ? [message.id] : []));
  if (ids.length === 0) return;
  response.once('close', () => {
    if (response.writableFinished) return;
    for (const requestId of ids) {
      const cancelled: JSONRPCNotification = { jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId, reason: 'The client closed the connection.' } };
      transport.onmessage?.(cancelled);
    }
  });
}

const MAX_BODY_BYTES = 2 ** 20;

/** The request's JSON body, or undefined when it is larger than MAX_BODY_BYTES or not JSON. */
async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

function reply(response: ServerResponse, status: number, message: string): void {
  response.writeHead(status, { 'content-type': 'text/plain' }).end(message);
}
