/**
 * What the extension loads on the first question: the agent and its tools. Bundled on its own as
 * dist/agentRuntime.js so that activation does not pay for loading them.
 */
export { AgentSession } from './agent/session';
export { createExplorerTools } from './tools/registry';
