import * as assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, beforeEach, describe, it } from 'mocha';
import * as vscode from 'vscode';
import type { LocoOperatorApi } from '../../src/extension';
import { EXTENSION_ID, SCRIPTED_MODEL_ENV, useTranscript, workspaceRoot } from './testWindow';
import type { Explorer } from '../../src/app/explorer';
import type { RunRequest } from '../../src/app/runController';
import { exploreChatReply, type ExploreChatStream } from '../../src/vscode/chatParticipant';

const TOOL = 'locooperator_explore';

function textOf(result: vscode.LanguageModelToolResult): string {
  return result.content.map((part) => (part instanceof vscode.LanguageModelTextPart ? part.value : '')).join('');
}

const invoke = (input: object, token?: vscode.CancellationToken) => Promise.resolve(vscode.lm.invokeTool(TOOL, { input, toolInvocationToken: undefined }, token));

describe('explore for other agents, inside VS Code', function () {
  let api: LocoOperatorApi;

  before(async () => {
    const extension = vscode.extensions.getExtension<LocoOperatorApi>(EXTENSION_ID);
    assert.ok(extension);
    api = await extension.activate();
  });

  beforeEach(async () => {
    await vscode.commands.executeCommand('locooperator.newSession');
    await api.settled();
  });

  after(() => {
    delete process.env[SCRIPTED_MODEL_ENV];
  });

  it('offers #explore to agents with the schema of the explore input', () => {
    const tool = vscode.lm.tools.find((candidate) => candidate.name === TOOL);
    assert.ok(tool, `tools: ${vscode.lm.tools.map((candidate) => candidate.name).join(', ')}`);
    assert.match(tool.description, /^Explores this codebase with LocoOperator/);
    assert.deepEqual((tool.inputSchema as { required?: string[] }).required, ['question']);
  });

  it('runs through the Ask view and returns the report with workspace-relative, checked references', async () => {
    const root = workspaceRoot();
    useTranscript([
      `Finding the factory.\n<tool_call>\n${JSON.stringify({ name: 'Grep', arguments: { pattern: 'def create_app', path: root } })}\n</tool_call>`,
      `The app is created by create_app in ${root}/src/server/app.py:8; tokens are checked in src/server/auth.py:4.`,
    ]);
    const result = await invoke({ question: 'Where is the Flask app created?', thoroughness: 'quick' });
    const text = textOf(result);
    assert.ok(text.startsWith('The app is created by create_app in src/server/app.py:8; tokens are checked in src/server/auth.py:4 [unverified].'), text);
    assert.match(text, /- src\/server\/auth\.py:4: No file src\/server\/auth\.py in this workspace/);
    const run = api.sessionRuns().at(-1)!;
    assert.equal(run.question, 'Where is the Flask app created?');
    assert.equal(run.thoroughness, 'quick');
    assert.ok(run.events.some((event) => event.type === 'tool/call' && event.name === 'Grep'), 'the tool card is in the view');
  });

  it('answers bad input with an error the calling model can read', async () => {
    await assert.rejects(invoke({ question: '  ' }), /The question is empty/);
    await assert.rejects(invoke({ question: 'Where?', thoroughness: 'deep' }), /thoroughness must be one of quick, medium, veryThorough, not "deep"/);
    await assert.rejects(invoke({ question: 'Where?', folder: '/etc' }), /The folder "\/etc" is outside the workspace/);
    assert.equal(api.sessionRuns().length, 0);
  });

  it('waits for the question the view is answering, and stops when the caller cancels', async () => {
    useTranscript(['The view answer. ', `${'Writing at length. '.repeat(400)}`], { chunkSize: 4, delayMs: 10 });
    assert.equal(await vscode.commands.executeCommand('locooperator.ask', 'A question typed in the view'), 'started');
    const cancel = new vscode.CancellationTokenSource();
    const call = invoke({ question: 'An agent question' }, cancel.token);
    const rejected = assert.rejects(call, (error: Error) => error.name === 'Canceled' || /cancel/i.test(error.message));
    // The view's run ends first; the agent's run starts after it, and the caller gives up.
    while (api.sessionRuns().length < 2) await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(api.sessionRuns()[0]!.events.at(-1)?.type, 'run/finished');
    cancel.cancel();
    await rejected;
    await api.settled();
    const last = api.sessionRuns().at(-1)!.events.at(-1);
    assert.ok(last?.type === 'run/finished' && last.reason === 'cancelled', JSON.stringify(last));
    assert.equal(api.isRunning(), false);
  });

  it('offers the MCP server to VS Code, whose explore tool runs through the Ask view', async function () {
    this.timeout(90_000);
    useTranscript(['The factory is in src/server/app.py:8.']);
    // The test host turns VS Code's AI features off; MCP servers are one of them.
    const chat = vscode.workspace.getConfiguration('chat');
    await chat.update('disableAIFeatures', false, vscode.ConfigurationTarget.Global);
    try {
      // Started as VS Code starts a server when an agent needs it: it asks the extension's
      // provider to resolve the definition (address and token), then connects and lists the tools.
      await vscode.commands.executeCommand('workbench.mcp.startServer', '*', { waitForLiveTools: true });
      let tool: vscode.LanguageModelToolInformation | undefined;
      for (const deadline = Date.now() + 30_000; !tool && Date.now() < deadline; await new Promise((resolve) => setTimeout(resolve, 100))) {
        tool = vscode.lm.tools.find((candidate) => candidate.name !== TOOL && /explore/.test(candidate.name) && /LocoOperator/.test(candidate.description));
      }
      assert.ok(tool, `tools: ${vscode.lm.tools.map((candidate) => candidate.name).join(', ')}`);
      const result = await Promise.resolve(vscode.lm.invokeTool(tool.name, { input: { question: 'Where is the app created?' }, toolInvocationToken: undefined }));
      assert.match(textOf(result), /^The factory is in src\/server\/app\.py:8\./);
      assert.equal(api.sessionRuns().at(-1)?.question, 'Where is the app created?');
    } finally {
      await chat.update('disableAIFeatures', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('registers @locooperator with VS Code chat, whose reply streams progress, markdown and file anchors', async () => {
    assert.equal(typeof vscode.chat.createChatParticipant, 'function');
    const root = workspaceRoot();
    // An explorer that makes one tool call and reports, as the view's queue would.
    const asked: RunRequest[] = [];
    const explorer: Explorer = {
      async run(request, { onEvent }) {
        asked.push(request);
        onEvent({ seq: 0, runId: 'r', type: 'tool/call', turn: 1, callId: 'c1', name: 'Read', args: {}, title: 'Read src/server/routes.py:1-5' });
        return { reason: 'done', turns: 2, report: `Routes are registered in ${root}/src/server/routes.py:1-5 and src/server/nowhere.py:2.` };
      },
    };
    const parts: (string | vscode.Location | vscode.Uri)[] = [];
    const progress: string[] = [];
    const stream: ExploreChatStream = {
      progress: (line) => void progress.push(line),
      markdown: (text) => void parts.push(typeof text === 'string' ? text : text.value),
      anchor: (target) => void parts.push(target),
    };
    const cancel = new vscode.CancellationTokenSource();
    const result = await exploreChatReply(
      { prompt: 'Where are the routes?', command: 'quick', references: [{ id: 'folder', value: vscode.Uri.file(path.join(root, 'src/server')) }] },
      stream,
      cancel.token,
      { explorer, roots: [root] },
    );
    assert.deepEqual(progress, ['Read src/server/routes.py:1-5']);
    assert.equal(parts[0], 'Routes are registered in src/server/routes.py:1-5 and src/server/nowhere.py:2 [unverified].');
    const anchor = parts.find((part): part is vscode.Location => part instanceof vscode.Location);
    assert.ok(anchor, 'a verified reference is an anchor');
    assert.equal(anchor.uri.fsPath, path.join(root, 'src/server/routes.py'));
    assert.deepEqual([anchor.range.start.line, anchor.range.end.line], [0, 4]);
    assert.ok(parts.some((part) => typeof part === 'string' && part.includes('`src/server/nowhere.py:2`: No file')));
    assert.deepEqual(result.metadata, { question: 'Where are the routes?', thoroughness: 'quick', references: ['src/server/routes.py:1-5'] });
    // The attached folder is the question's focus, and /quick its budget.
    assert.deepEqual([asked[0]?.scope.kind, asked[0]?.cwd, asked[0]?.thoroughness], ['folder', path.join(root, 'src/server'), 'quick']);
  });
});
