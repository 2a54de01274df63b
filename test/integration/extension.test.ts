import * as assert from 'node:assert/strict';
import { realpath } from 'node:fs/promises';
import path from 'node:path';
import { after, afterEach, before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import type { LocoOperatorApi } from '../../src/extension';
import { EXTENSION_ID, SCRIPTED_MODEL_ENV, useTranscript, workspaceRoot } from './testWindow';

const call = (name: string, args: Record<string, unknown>) => `<tool_call>\n${JSON.stringify({ name, arguments: args })}\n</tool_call>`;

async function settingsUpdate(name: string, value: unknown): Promise<void> {
  await vscode.workspace.getConfiguration('locooperator').update(name, value, vscode.ConfigurationTarget.Global);
}

describe('LocoOperator in VS Code', function () {
  let api: LocoOperatorApi;

  before(async () => {
    const extension = vscode.extensions.getExtension<LocoOperatorApi>(EXTENSION_ID);
    assert.ok(extension);
    api = await extension.activate();
  });

  afterEach(async () => {
    await vscode.commands.executeCommand('locooperator.newSession');
    await api.settled();
  });

  after(async () => {
    delete process.env[SCRIPTED_MODEL_ENV];
    await settingsUpdate('maxTurns.medium', undefined);
  });

  it('activates only for its view and commands, not at startup', () => {
    const manifest = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON as { activationEvents: string[] };
    assert.deepEqual(manifest.activationEvents, ['onView:locooperator.askView']);
  });

  it('hides the commands that need a folder, file or selection from the palette where they make no sense', () => {
    const manifest = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON as {
      contributes: { menus: { commandPalette: { command: string; when: string }[] } };
    };
    const when = new Map(manifest.contributes.menus.commandPalette.map((entry) => [entry.command, entry.when]));
    assert.equal(when.get('locooperator.explainFolder'), 'false');
    assert.equal(when.get('locooperator.askAboutSelection'), 'editorHasSelection && workspaceFolderCount > 0');
    // Without a folder there is nothing to ask about.
    assert.equal(when.get('locooperator.ask'), 'workspaceFolderCount > 0');
  });

  it('answers a question with the scripted model and keeps the run in the session', async () => {
    const root = workspaceRoot();
    useTranscript([
      `Reading the factory.\n${call('Read', { file_path: `${root}/src/server/app.py` })}`,
      'The factory is `create_app` at `src/server/app.py:8`.',
    ]);
    await vscode.commands.executeCommand('locooperator.newSession');
    const result = await vscode.commands.executeCommand('locooperator.ask', 'Where is the app created?');
    assert.equal(result, 'started');
    await api.settled();
    const run = api.sessionRuns().at(-1)!;
    assert.equal(run.question, 'Where is the app created?');
    const types = run.events.map((event) => event.type);
    assert.ok(types.includes('tool/call') && types.includes('tool/result'), `events: ${types.join(', ')}`);
    const result2 = run.events.find((event) => event.type === 'tool/result');
    assert.equal(result2?.type === 'tool/result' && result2.status, 'done');
    const finished = run.events.at(-1);
    assert.equal(finished?.type, 'run/finished');
    assert.equal(finished?.type === 'run/finished' && finished.reason, 'done');
    assert.match(finished?.type === 'run/finished' ? (finished.report ?? '') : '', /src\/server\/app\.py:8/);
  });

  it('Explain This Folder starts a run scoped to that folder', async () => {
    const root = workspaceRoot();
    const folder = path.join(root, 'src', 'server');
    useTranscript([`Listing.\n${call('Glob', { pattern: '*.py' })}`, '## src/server\n\nThe Flask API (`app.py:8`).']);
    await vscode.commands.executeCommand('locooperator.newSession');
    const result = await vscode.commands.executeCommand('locooperator.explainFolder', vscode.Uri.file(folder));
    assert.equal(result, 'started');
    await api.settled();
    const run = api.sessionRuns().at(-1)!;
    assert.equal(run.question, 'Explain src/server');
    assert.deepEqual(run.scope, { kind: 'folder', path: folder, label: 'src/server' });
    const started = run.events[0];
    assert.equal(started?.type, 'run/started');
    if (started?.type !== 'run/started') return;
    assert.equal(started.cwd, await realpath(folder));
    assert.match(started.task, /purpose/);
    assert.match(started.task, /entry points/);
    const glob = run.events.find((event) => event.type === 'tool/result');
    assert.ok(glob?.type === 'tool/result' && glob.output.includes('app.py'), 'Glob ran in the scoped folder');
  });

  it('keeps the conversation when Explain This Folder follows a question about the workspace', async () => {
    const root = workspaceRoot();
    const folder = path.join(root, 'src', 'server');
    // One transcript for the session: its turns answer both questions.
    useTranscript(['An answer.', 'The folder.']);
    await vscode.commands.executeCommand('locooperator.newSession');
    await vscode.commands.executeCommand('locooperator.ask', 'What is this project?');
    await api.settled();
    await vscode.commands.executeCommand('locooperator.explainFolder', vscode.Uri.file(folder));
    await api.settled();
    const runs = api.sessionRuns();
    assert.deepEqual(runs.map((run) => run.question), ['What is this project?', 'Explain src/server']);
    const started = runs[1]!.events[0];
    assert.ok(started?.type === 'run/started');
    // The follow-up works in the folder, and tells the model so in the words of its ENV line.
    assert.equal(started.cwd, await realpath(folder));
    const env = `\n\nENV: Working directory is ${await realpath(folder)} (Linux, `;
    assert.ok(started.task.includes(env) && /\((?:Linux), (?:bash|zsh)\)\.$/.test(started.task), started.task);
  });

  it('Explain This File works in the file\'s workspace folder and names the file', async () => {
    const root = workspaceRoot();
    const file = path.join(root, 'src', 'server', 'models.py');
    useTranscript(['`TaskStore` keeps tasks in memory (`src/server/models.py:16`).']);
    await vscode.commands.executeCommand('locooperator.newSession');
    assert.equal(await vscode.commands.executeCommand('locooperator.explainFile', vscode.Uri.file(file)), 'started');
    await api.settled();
    const run = api.sessionRuns().at(-1)!;
    assert.equal(run.question, 'Explain src/server/models.py');
    const started = run.events[0];
    assert.ok(started?.type === 'run/started');
    assert.equal(started.cwd, await realpath(root));
    assert.ok(started.task.includes(file));
  });

  it('Ask About Selection quotes the selected lines with the question', async () => {
    const root = workspaceRoot();
    const document = await vscode.workspace.openTextDocument(path.join(root, 'src', 'server', 'routes.py'));
    const editor = await vscode.window.showTextDocument(document);
    editor.selection = new vscode.Selection(9, 0, 12, 0);
    useTranscript(['It lists every task as JSON (`src/server/routes.py:10-12`).']);
    await vscode.commands.executeCommand('locooperator.newSession');
    assert.equal(await vscode.commands.executeCommand('locooperator.askAboutSelection', 'What does this return?'), 'started');
    await api.settled();
    const run = api.sessionRuns().at(-1)!;
    assert.equal(run.question, 'What does this return? (src/server/routes.py:10-12)');
    assert.deepEqual(run.scope, { kind: 'selection', path: document.uri.fsPath, label: 'src/server/routes.py:10-12', startLine: 10, endLine: 12 });
    const started = run.events[0];
    assert.ok(started?.type === 'run/started');
    // Framed as the training data framed its tasks, the question first after the codebase line.
    assert.match(started.task, /^TASK:\nAnalyze the \S+ codebase at `[^`]+`\.\nWhat does this return\?\n/);
    assert.ok(started.task.includes('def list_tasks():'), started.task);
    assert.ok(!started.task.includes('@bp.post'), 'only the selected lines are quoted');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('refuses a second question while one runs, and Stop ends the first as cancelled', async () => {
    useTranscript(['Thinking about it at length. '.repeat(200)], { chunkSize: 2, delayMs: 20 });
    await vscode.commands.executeCommand('locooperator.newSession');
    assert.equal(await vscode.commands.executeCommand('locooperator.ask', 'First question'), 'started');
    assert.equal(api.isRunning(), true);
    assert.equal(await vscode.commands.executeCommand('locooperator.ask', 'Second question'), 'busy');
    await vscode.commands.executeCommand('locooperator.stop');
    await api.settled();
    assert.equal(api.isRunning(), false);
    const finished = api.sessionRuns().at(-1)!.events.at(-1);
    assert.equal(finished?.type === 'run/finished' && finished.reason, 'cancelled');
    assert.equal(api.sessionRuns().length, 1);
  });

  it('continues the session for a follow-up, and New Session starts an empty one', async () => {
    useTranscript(['First answer.', 'Second answer.']);
    await vscode.commands.executeCommand('locooperator.newSession');
    await vscode.commands.executeCommand('locooperator.ask', 'One');
    await api.settled();
    await vscode.commands.executeCommand('locooperator.ask', 'Two');
    await api.settled();
    const runs = api.sessionRuns();
    assert.deepEqual(runs.map((run) => run.question), ['One', 'Two']);
    assert.equal(runs[0]!.sessionId, runs[1]!.sessionId);
    await vscode.commands.executeCommand('locooperator.newSession');
    assert.equal(api.sessionRuns().length, 0);
  });

  it('reads the turn budget from the settings', async () => {
    const root = workspaceRoot();
    await settingsUpdate('maxTurns.medium', 2);
    useTranscript([
      `${call('Read', { file_path: `${root}/README.md` })}`,
      `${call('Read', { file_path: `${root}/src/server/app.py` })}`,
      'Never reached.',
    ]);
    await vscode.commands.executeCommand('locooperator.newSession');
    await vscode.commands.executeCommand('locooperator.ask', 'Explore');
    await api.settled();
    const run = api.sessionRuns().at(-1)!;
    const started = run.events[0];
    assert.equal(started?.type === 'run/started' && started.maxTurns, 2);
    const finished = run.events.at(-1);
    assert.equal(finished?.type === 'run/finished' && finished.turns, 2);
    await settingsUpdate('maxTurns.medium', undefined);
  });

  it('shows the scripted model as ready in the status it reports', () => {
    assert.deepEqual(api.modelStatus(), { state: 'ready', modelName: 'Scripted transcript', backend: 'scripted' });
  });
});
