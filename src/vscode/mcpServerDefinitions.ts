import * as vscode from 'vscode';
import type { Explorer } from '../app/explorer';
import type { ExploreHttpServer } from '../mcp/httpServer';
import { errorMessage } from '../protocol/errorMessage';
import { realWorkspaceRoots } from './workspaceRoots';

export const MCP_PROVIDER_ID = 'locooperator.mcp';

type McpRuntime = typeof import('../mcpRuntime');

/**
 * Offers the explore MCP server to VS Code's MCP-aware agents. The server runs inside the
 * extension host (see mcp/httpServer.ts), on the model, settings and run queue the view uses, so
 * its runs show in the Ask view. It starts when VS Code first starts the server, not on activation.
 * An untrusted window offers it too, under the view's rule (workspaceTrust.ts): the explorer reads
 * and searches, git is refused with the reason, and the folder's own settings do not apply.
 */
export class McpServerDefinitions implements vscode.McpServerDefinitionProvider<vscode.McpHttpServerDefinition>, vscode.Disposable {
  private server?: Promise<ExploreHttpServer>;

  constructor(
    private readonly explorer: Explorer,
    private readonly version: string,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  register(): vscode.Disposable {
    return vscode.lm.registerMcpServerDefinitionProvider(MCP_PROVIDER_ID, this);
  }

  provideMcpServerDefinitions(): vscode.McpHttpServerDefinition[] {
    // The address is filled in when VS Code starts the server (resolve); until then nothing runs.
    return [new vscode.McpHttpServerDefinition('LocoOperator', vscode.Uri.parse('http://127.0.0.1/mcp'), {}, this.version)];
  }

  async resolveMcpServerDefinition(definition: vscode.McpHttpServerDefinition): Promise<vscode.McpHttpServerDefinition> {
    try {
      const server = await this.start();
      definition.uri = vscode.Uri.parse(server.url);
      definition.headers = server.headers;
      return definition;
    } catch (error) {
      this.server = undefined;
      this.log.error(`Could not start the MCP server: ${errorMessage(error)}`);
      throw error;
    }
  }

  dispose(): void {
    const server = this.server;
    this.server = undefined;
    void server?.then((running) => running.close()).catch(() => undefined);
  }

  private start(): Promise<ExploreHttpServer> {
    this.server ??= (async () => {
      // The MCP SDK is bundled on its own (dist/mcpRuntime.js, see scripts/build.mjs).
      const { startExploreHttpServer } = require('./mcpRuntime.js') as McpRuntime;
      const server = await startExploreHttpServer({
        roots: realWorkspaceRoots,
        explorer: this.explorer,
        version: this.version,
        log: (line) => this.log.warn(line),
      });
      this.log.info(`MCP server listening on ${server.url}`);
      return server;
    })();
    return this.server;
  }
}
