import { realpath } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { RootsListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { EXPLORE_TOOL_DESCRIPTION, EXPLORE_TOOL_NAME, ExploreInput } from '../protocol/exploreInput';
import { errorMessage } from '../protocol/errorMessage';
import { exploreCall } from '../app/exploreCall';
import type { Explorer } from '../app/explorer';
import { isInside } from '../tools/support/workspacePaths';

export interface ExploreServerOptions {
  /** The folders the server serves (real paths), read at each call: nothing outside them is ever read. */
  roots: () => readonly string[];
  explorer: Explorer;
  version: string;
  log(line: string): void;
}

export const NO_SHARED_ROOTS =
  "None of the client's roots lies inside the folders this server was started with, so there is nothing it may explore. Start the server with --cwd set to the project.";

/**
 * The MCP server other agents (Claude Code, Codex CLI, Cline, VS Code's agent mode) call to have a
 * codebase explored: one `explore` tool, the same input and answer as the language-model tool. A
 * progress notification goes out as each tool call happens (when the client asked for progress),
 * and a cancelled request stops its run. The transport is the caller's choice (stdio for the CLI).
 */
export function createExploreServer(options: ExploreServerOptions): McpServer {
  const server = new McpServer(
    { name: 'locooperator', title: 'LocoOperator', version: options.version },
    {
      capabilities: { tools: {} },
      instructions: 'LocoOperator explores this codebase with a small local model and answers with a report that cites files and lines. Call explore with one question at a time.',
    },
  );
  let clientRoots: Promise<readonly string[] | undefined> | undefined;
  server.server.setNotificationHandler(RootsListChangedNotificationSchema, async () => {
    clientRoots = undefined;
  });

  server.registerTool(
    EXPLORE_TOOL_NAME,
    {
      title: 'Explore the codebase (LocoOperator)',
      description: EXPLORE_TOOL_DESCRIPTION,
      inputSchema: ExploreInput,
      annotations: { readOnlyHint: true, openWorldHint: false, idempotentHint: true },
    },
    async (input, extra) => {
      clientRoots ??= listClientRoots(server, options.log);
      const roots = allowedRoots(options.roots(), await clientRoots);
      if (roots.length === 0) return { content: [{ type: 'text', text: NO_SHARED_ROOTS }], isError: true };
      const progressToken = extra._meta?.progressToken;
      let progress = 0;
      const answer = await exploreCall(input, {
        roots,
        explorer: options.explorer,
        signal: extra.signal,
        onProgress: (message) => {
          if (progressToken === undefined || extra.signal.aborted) return;
          progress++;
          extra
            .sendNotification({ method: 'notifications/progress', params: { progressToken, progress, message } })
            .catch((error: unknown) => options.log(`Could not send progress: ${errorMessage(error)}`));
        },
      });
      return { content: [{ type: 'text', text: answer.text }], isError: answer.isError };
    },
  );
  return server;
}

/**
 * The client's file roots as real paths, or undefined when it offers none (then the server's own
 * roots apply). Asked once, and again after the client says they changed.
 */
async function listClientRoots(server: McpServer, log: (line: string) => void): Promise<readonly string[] | undefined> {
  if (!server.server.getClientCapabilities()?.roots) return undefined;
  try {
    const { roots } = await server.server.listRoots();
    const paths = roots.flatMap((root) => (root.uri.startsWith('file:') ? [fileURLToPath(root.uri)] : []));
    return Promise.all(paths.map((root) => realpath(root).catch(() => root)));
  } catch (error) {
    log(`The client did not list its roots: ${errorMessage(error)}`);
    return undefined;
  }
}

/**
 * Where the server's roots and the client's overlap: a client root inside a server root narrows
 * it; a server root inside a client root stays as it is. Without client roots, the server's.
 */
export function allowedRoots(serverRoots: readonly string[], clientRoots: readonly string[] | undefined): string[] {
  if (clientRoots === undefined) return [...serverRoots];
  const overlap = [
    ...clientRoots.filter((client) => serverRoots.some((root) => isInside(client, root))),
    ...serverRoots.filter((root) => clientRoots.some((client) => isInside(root, client))),
  ];
  return [...new Set(overlap)];
}
