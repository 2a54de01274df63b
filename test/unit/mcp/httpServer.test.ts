import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queuedExplorer } from '../../../src/app/queuedExplorer';
import { EXPLORE_TOOL_DESCRIPTION, exploreInputJsonSchema } from '../../../src/protocol/exploreInput';
import { ScriptedModel } from '../../../src/model/scriptedModel';
import { createExplorerTools } from '../../../src/tools/registry';
import { makeFixtureWorkspace, type FixtureWorkspace } from '../../fakes/fixtureWorkspace';

/**
 * The MCP server the extension offers VS Code's agents: the shipped bundle (dist/mcpRuntime.js)
 * serving Streamable HTTP on loopback, driven by the SDK's own HTTP client.
 */
const repo = path.resolve(__dirname, '../../..');
type McpRuntime = typeof import('../../../src/mcpRuntime');

let workspace: FixtureWorkspace;
let runtime: McpRuntime;
beforeAll(async () => {
  if (!existsSync(path.join(repo, 'dist/mcpRuntime.js'))) await promisify(execFile)(process.execPath, [path.join(repo, 'scripts/build.mjs')]);
  runtime = require(path.join(repo, 'dist/mcpRuntime.js')) as McpRuntime;
  workspace = await makeFixtureWorkspace();
}, 120_000);
afterAll(async () => {
  await workspace.cleanup();
});

describe('the extension’s MCP server over HTTP', () => {
  it('serves explore to a client that has the token, and no one else', async () => {
    const model = new ScriptedModel(['The routes are in src/server/routes.py:1.']);
    const server = await runtime.startExploreHttpServer({
      roots: () => [workspace.root],
      explorer: queuedExplorer({ model, tools: createExplorerTools(), maxTurnsFor: () => 3 }),
      version: '1.2.3',
      log: () => {},
    });
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
      const stranger = new Client({ name: 'stranger', version: '1' });
      await expect(stranger.connect(new StreamableHTTPClientTransport(new URL(server.url)))).rejects.toThrow(/401|Unauthorized/);
      const forged = new Client({ name: 'forged', version: '1' });
      const wrongToken = new StreamableHTTPClientTransport(new URL(server.url), { requestInit: { headers: { Authorization: 'Bearer nope' } } });
      await expect(forged.connect(wrongToken)).rejects.toThrow(/401|Unauthorized/);

      const client = new Client({ name: 'agent', version: '1' });
      await client.connect(new StreamableHTTPClientTransport(new URL(server.url), { requestInit: { headers: server.headers } }));
      expect(client.getServerVersion()).toMatchObject({ name: 'locooperator', version: '1.2.3' });
      const result = (await client.callTool({ name: 'explore', arguments: { question: 'Where are the routes?' } })) as CallToolResult;
      expect(result.isError).toBe(false);
      expect(result.content[0]).toMatchObject({ type: 'text', text: expect.stringMatching(/^The routes are in src\/server\/routes\.py:1\.\n\n---\n/) });
      await client.close();
    } finally {
      await server.close();
    }
  });

  it('stops the run of a client that ends its session mid-run, and serves the next one', async () => {
    // The first turn goes on writing for about a minute after its tool call: the second client
    // is answered within the test's time limit only if ending the session stopped that run.
    const model = new ScriptedModel([`<tool_call>\n{"name": "Glob", "arguments": {"pattern": "*.md"}}\n</tool_call>${'Going on. '.repeat(8000)}`, 'Next answer.'], {
      chunkSize: 10,
      delayMs: 5,
    });
    const server = await runtime.startExploreHttpServer({
      roots: () => [workspace.root],
      explorer: queuedExplorer({ model, tools: createExplorerTools(), maxTurnsFor: () => 3 }),
      version: '1',
      log: () => {},
    });
    try {
      const leaving = new StreamableHTTPClientTransport(new URL(server.url), { requestInit: { headers: server.headers } });
      const first = new Client({ name: 'leaving', version: '1' });
      await first.connect(leaving);
      let progressed!: () => void;
      const tooled = new Promise<void>((resolve) => (progressed = resolve));
      const abandoned = first.callTool({ name: 'explore', arguments: { question: 'Everything?' } }, undefined, { onprogress: () => progressed() }).catch(() => 'abandoned');
      await tooled;
      await leaving.terminateSession();
      await first.close();
      expect(await abandoned).toBe('abandoned');

      const second = new Client({ name: 'next', version: '1' });
      await second.connect(new StreamableHTTPClientTransport(new URL(server.url), { requestInit: { headers: server.headers } }));
      const result = (await second.callTool({ name: 'explore', arguments: { question: 'Next?' } })) as CallToolResult;
      expect(result.content[0]).toMatchObject({ text: 'Next answer.' });
      await second.close();
    } finally {
      await server.close();
    }
  });
});

describe('the language-model tool in package.json', () => {
  it('declares the explore input and description every surface uses', () => {
    const manifest = JSON.parse(readFileSync(path.join(repo, 'package.json'), 'utf8')) as {
      contributes: { languageModelTools: { name: string; toolReferenceName: string; modelDescription: string; inputSchema: unknown }[] };
    };
    const [tool] = manifest.contributes.languageModelTools;
    expect(tool).toMatchObject({ name: 'locooperator_explore', toolReferenceName: 'explore', modelDescription: EXPLORE_TOOL_DESCRIPTION });
    expect(tool?.inputSchema).toEqual(exploreInputJsonSchema());
  });
});
