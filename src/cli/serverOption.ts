import type { ServerKind, ServerLimit } from '../protocol/inferenceServer';
import { createServerModel, detectServerKind } from '../model/server/serverBackends';
import type { ServerModel } from '../model/server/serverModel';

/** The environment variable that holds a server's API key: a flag would show in `ps` and shell history. */
export const SERVER_API_KEY_ENV = 'LOCOOPERATOR_SERVER_API_KEY';
/** A server that has not answered by then is worth a line on stderr, so that nobody waits blind. */
const WAITING_NOTICE_MS = 5000;

/**
 * Connects to `--server URL` before the run starts (detecting its kind unless given), so that the
 * loop budgets against the server's context size and the user hears about a wrong template or a
 * small window first. Status and warnings go to stderr.
 */
export async function openServer(options: {
  url: string;
  kind?: ServerKind;
  model?: string;
  contextSize?: number;
  limitsMs: Record<ServerLimit, number>;
  signal?: AbortSignal;
}): Promise<ServerModel> {
  const common = {
    url: options.url,
    apiKey: process.env[SERVER_API_KEY_ENV] || undefined,
    hints: {
      apiKey: `Put the server's key in ${SERVER_API_KEY_ENV}.`,
      limits: { connect: '--server-connect-timeout SECONDS', firstByte: '--server-timeout SECONDS', idle: '--server-timeout SECONDS' },
    },
    limits: options.limitsMs,
  };
  const answer = options.limitsMs.firstByte;
  const limit = answer > 0 ? `gives up after ${answer / 1000} s without an answer` : 'waits for ever';
  const waiting = setTimeout(
    () => process.stderr.write(`Waiting for the server at ${options.url} to answer (it ${limit}; --server-timeout SECONDS changes that).\n`),
    WAITING_NOTICE_MS,
  ).unref();
  try {
    const kind = options.kind ?? (await detectServerKind(common, options.signal));
    const model = createServerModel(kind, {
      ...common,
      model: options.model,
      contextSize: options.contextSize,
      // Test hook, as for the embedded engine: a grammar makes the tiny noise model write a given answer.
      grammar: process.env.LOCOOPERATOR_GRAMMAR || undefined,
    });
    const identity = await model.connect(options.signal);
    const guarantee = identity.specialTokens === 'tokenIds' ? '' : '; <|…|> markers in file text are neutralised';
    process.stderr.write(`model: ${identity.model} on ${identity.kind} at ${identity.url} (context ${model.contextSize} tokens${guarantee})\n`);
    for (const warning of identity.warnings) process.stderr.write(`warning: ${warning}\n`);
    return model;
  } finally {
    clearTimeout(waiting);
  }
}
