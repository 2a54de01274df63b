import type { ServerKind } from '../protocol/inferenceServer';
import { createServerModel, detectServerKind } from '../model/server/serverBackends';
import type { ServerModel } from '../model/server/serverModel';

/** The environment variable that holds a server's API key: a flag would show in `ps` and shell history. */
export const SERVER_API_KEY_ENV = 'LOCOOPERATOR_SERVER_API_KEY';
/** A silence this long from a server ends the request as dead (a slow CPU server pings or streams well within it). */
const IDLE_TIMEOUT_MS = 10 * 60_000;

/**
 * Connects to `--server URL` before the run starts (detecting its kind unless given), so that the
 * loop budgets against the server's context size and the user hears about a wrong template or a
 * small window first. Status and warnings go to stderr.
 */
export async function openServer(options: { url: string; kind?: ServerKind; model?: string; contextSize?: number }): Promise<ServerModel> {
  const common = {
    url: options.url,
    apiKey: process.env[SERVER_API_KEY_ENV] || undefined,
    hints: {
      apiKey: `Put the server's key in ${SERVER_API_KEY_ENV}.`,
      idleTimeout: 'a server that is only slow keeps its connection busy (llama-server pings every 30 s).',
    },
    idleTimeoutMs: IDLE_TIMEOUT_MS,
  };
  const kind = options.kind ?? (await detectServerKind(common));
  const model = createServerModel(kind, {
    ...common,
    model: options.model,
    contextSize: options.contextSize,
    // Test hook, as for the embedded engine: a grammar makes the tiny noise model write a given answer.
    grammar: process.env.LOCOOPERATOR_GRAMMAR || undefined,
  });
  const identity = await model.connect();
  const guarantee = identity.specialTokens === 'tokenIds' ? '' : '; <|…|> markers in file text are neutralised';
  process.stderr.write(`model: ${identity.model} on ${identity.kind} at ${identity.url} (context ${model.contextSize} tokens${guarantee})\n`);
  for (const warning of identity.warnings) process.stderr.write(`warning: ${warning}\n`);
  return model;
}
