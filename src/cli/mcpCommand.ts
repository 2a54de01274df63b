import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { version } from '../../package.json';
import { queuedExplorer } from '../app/queuedExplorer';
import { turnBudget } from '../app/turnBudget';
import { createExploreServer } from '../mcp/exploreServer';
import { parseSettings } from '../protocol/settings';
import { createExplorerTools } from '../tools/registry';
import { parseCommandLine } from './commandLine';
import { MODEL_CHOICE_HELP, MODEL_CHOICE_OPTIONS, checkModelChoice, modelPerCall } from './modelChoice';
import { UsageError } from './usageError';
import { ROOTS_OPTION, rootsOption } from './rootsOption';

export const MCP_USAGE = `Usage: locooperator mcp [--cwd DIR]... [model options]

Serves an MCP "explore" tool on stdin/stdout for other agents (Claude Code, Codex CLI, Cline…):
each call explores DIR and returns the report with its file references checked. The handshake is
answered at once; the model is loaded (or the server reached) on the first call, and a failure
there is that call's answer. Each call is a conversation of its own.

  --cwd DIR              the folder to serve (default: the current one); repeat it for a
                         workspace of several folders. A client's roots narrow it.
${MODEL_CHOICE_HELP}`;

/**
 * `locooperator mcp`: serves the `explore` tool over MCP on stdin/stdout to one client (Claude
 * Code, Codex CLI, Cline…), which starts the process and ends it by closing stdin. stdout carries
 * only the protocol; everything a person should read goes to stderr, which clients log.
 */
export async function runMcpCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine('mcp', args, { ...ROOTS_OPTION, ...MODEL_CHOICE_OPTIONS });
  if (positionals.length > 0) throw new UsageError(`mcp takes no question (it serves the clients' questions), not "${positionals.join(' ')}".`);
  const choice = checkModelChoice(values);
  const roots = rootsOption(values.cwd);
  const models = await modelPerCall(choice, roots[0]);
  const defaults = parseSettings({}).settings;
  const server = createExploreServer({
    roots: () => roots,
    explorer: queuedExplorer({ modelForCall: models.forCall, tools: createExplorerTools(), maxTurnsFor: (thoroughness) => turnBudget(thoroughness, defaults) }),
    version,
    log: (line) => process.stderr.write(`${line}\n`),
  });

  const closed = new Promise<void>((resolveClosed) => (server.server.onclose = resolveClosed));
  // The stdio transport does not notice a client that goes away; closing the server aborts the
  // runs in progress (their request signals), so the model is free before it is disposed.
  const close = () => void server.close();
  process.stdin.once('end', close);
  process.stdin.once('close', close);
  process.once('SIGINT', close);
  process.once('SIGTERM', close);
  await server.connect(new StdioServerTransport());
  process.stderr.write(`locooperator mcp: serving explore for ${roots.join(', ')}\n`);
  await closed;
  await models.dispose();
  return 0;
}
