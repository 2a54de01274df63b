import { realpath } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { RootsListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { EXPLORE_TOOL_DESCRIPTION, EXPLORE_TOOL_NAME, ExploreInput } from '../protocol/exploreInput';
import { errorMessage } from '../protocol/errorMessage';
import { exploreCall } from '../app/exploreCall';
import type { Explorer } from '../app/explorer';
import { hostPathRules, type PathRules } from '../tools/support/pathRules';
import { distinctPaths, isInside } from '../tools/support/workspacePaths';

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
  let clientRoots: Promise<ClientRoots> | undefined;
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
      const asked = (clientRoots ??= listClientRoots(server, options.log));
      const listed = await asked;
      if ('unreadable' in listed) {
        // Asked again at the next call: the client may answer properly then.
        if (clientRoots === asked) clientRoots = undefined;
        return { content: [{ type: 'text', text: unreadableRoots(listed.unreadable) }], isError: true };
      }
      const roots = allowedRoots(options.roots(), listed.roots);
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

/** The client's roots as real paths (undefined: it does not narrow the server's), or why they could not be read. */
type ClientRoots = { roots: readonly string[] | undefined } | { unreadable: string };

/**
 * The client's file roots, asked once and again after the client says they changed. A client
 * without the roots capability, or one that lists none (a client with no folder open), leaves the
 * server's own roots. A client that has roots but answers roots/list with something invalid gets
 * nothing explored: which folders it meant to allow cannot be known, and all of them is not it.
 */
async function listClientRoots(server: McpServer, log: (line: string) => void): Promise<ClientRoots> {
  if (!server.server.getClientCapabilities()?.roots) return { roots: undefined };
  let paths: string[];
  try {
    paths = (await server.server.listRoots()).roots.map((root) => clientRootPath(root.uri));
  } catch (error) {
    const why = errorMessage(error).split('\n')[0]!.slice(0, 300);
    log(`The client's answer to roots/list could not be read: ${why}`);
    return { unreadable: why };
  }
  if (paths.length === 0) {
    log("The client lists no roots; the server's own folders are served.");
    return { roots: undefined };
  }
  return { roots: await Promise.all(paths.map((root) => realpath(root).catch(() => root))) };
}

/**
 * The folder a client's `file:` root names, by the rules of the machine the server runs on:
 * `file:///c%3A/repo` and `file:///C:/repo` are `c:\repo` and `C:\repo` on Windows,
 * `file://server/share` a UNC path there and an error elsewhere. A root of another scheme throws.
 */
export function clientRootPath(uri: string, rules: PathRules = hostPathRules): string {
  return fileURLToPath(uri, { windows: rules.path === path.win32 });
}

function unreadableRoots(why: string): string {
  return `The client's list of roots could not be read (${why}), so nothing is explored: the server will not guess which folders it may read. Fix the roots the client lists, or connect without roots.`;
}

/**
 * Where the server's roots and the client's overlap: a client root inside a server root narrows
 * it; a server root inside a client root stays as it is. Without client roots, the server's.
 */
export function allowedRoots(serverRoots: readonly string[], clientRoots: readonly string[] | undefined, rules: PathRules = hostPathRules): string[] {
  if (clientRoots === undefined) return [...serverRoots];
  const overlap = [
    ...clientRoots.filter((client) => serverRoots.some((root) => isInside(client, root, rules))),
    ...serverRoots.filter((root) => clientRoots.some((client) => isInside(root, client, rules))),
  ];
  return distinctPaths(overlap, rules);
}
