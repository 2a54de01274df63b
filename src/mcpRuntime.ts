/**
 * What the extension loads when VS Code first starts its MCP server: the MCP SDK and the HTTP
 * host. Bundled on its own as dist/mcpRuntime.js so that activation does not pay for them.
 */
export { startExploreHttpServer } from './mcp/httpServer';
