import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { LATEST_PROTOCOL_VERSION, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
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

/**
 * A server whose first run goes on writing for about a minute after its tool call, then answers
 * "Next answer.": a second call is answered within the test's time limit only if the first run
 * was stopped.
 */
function serverWithALongFirstRun() {
  const model = new ScriptedModel([`<tool_call>\n{"name": "Glob", "arguments": {"pattern": "*.md"}}\n</tool_call>${'Going on. '.repeat(8000)}`, 'Next answer.'], {
    chunkSize: 10,
    delayMs: 5,
  });
  return runtime.startExploreHttpServer({
    roots: () => [workspace.root],
    explorer: queuedExplorer({ modelForCall: async () => model, tools: createExplorerTools(), maxTurnsFor: () => 3 }),
    version: '1',
    log: () => {},
  });
}

describe('the extension’s MCP server over HTTP', () => {
  it('serves explore to a client that has the token, and no one else', async () => {
    const model = new ScriptedModel(['The routes are in src/server/routes.py:1.']);
    const server = await runtime.startExploreHttpServer({
      roots: () => [workspace.root],
      explorer: queuedExplorer({ modelForCall: async () => model, tools: createExplorerTools(), maxTurnsFor: () => 3 }),
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
    const server = await serverWithALongFirstRun();
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

  it('stops the run of a call whose connection drops, and serves the same session again', async () => {
    const server = await serverWithALongFirstRun();
    const client = new Client({ name: 'agent', version: '1' });
    const transport = new StreamableHTTPClientTransport(new URL(server.url), { requestInit: { headers: server.headers } });
    try {
      await client.connect(transport);
      // The same session's call, sent by hand so that its connection can be cut after the first progress event.
      const dropped = await new Promise<string>((resolve, reject) => {
        const call = request(
          server.url,
          {
            method: 'POST',
            headers: {
              ...server.headers,
              'content-type': 'application/json',
              accept: 'application/json, text/event-stream',
              'mcp-session-id': transport.sessionId!,
              'mcp-protocol-version': transport.protocolVersion ?? LATEST_PROTOCOL_VERSION,
            },
          },
          (response) => {
            let seen = '';
            response.on('data', (chunk: Buffer) => {
              seen += chunk.toString('utf8');
              if (!seen.includes('notifications/progress')) return;
              call.destroy();
              resolve(seen);
            });
            response.on('end', () => reject(new Error(`The call ended before any progress: ${seen}`)));
          },
        );
        call.on('error', () => {});
        call.end(JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'explore', arguments: { question: 'Everything?' }, _meta: { progressToken: 1 } } }));
      });
      expect(dropped).toContain('notifications/progress');

      const result = (await client.callTool({ name: 'explore', arguments: { question: 'Next?' } })) as CallToolResult;
      expect(result.content[0]).toMatchObject({ text: 'Next answer.' });
    } finally {
      await client.close();
      await server.close();
    }
  });

  it('refuses a call whose body is not JSON', async () => {
    const server = await runtime.startExploreHttpServer({
      roots: () => [workspace.root],
      explorer: queuedExplorer({ modelForCall: async () => new ScriptedModel(['unused']), tools: createExplorerTools(), maxTurnsFor: () => 3 }),
      version: '1',
      log: () => {},
    });
    const client = new Client({ name: 'agent', version: '1' });
    const transport = new StreamableHTTPClientTransport(new URL(server.url), { requestInit: { headers: server.headers } });
    try {
      await client.connect(transport);
      const response = await fetch(server.url, {
        method: 'POST',
        headers: { ...server.headers, 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-session-id': transport.sessionId! },
        body: '{"jsonrpc": "2.0", "id": 1, "method": "tools/call"',
      });
      expect(response.status).toBe(400);
      expect(await response.text()).toBe('The request body is not JSON within 1 MB.');
    } finally {
      await client.close();
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
