import { mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentSession } from '../../../src/agent/session';
import { controllerExplorer, MODEL_NEEDED_FOR_AGENT } from '../../../src/app/controllerExplorer';
import { exploreCall } from '../../../src/app/exploreCall';
import { WAITING_NOTICE } from '../../../src/app/explorer';
import { exploreAnswer, failedAnswer } from '../../../src/app/exploreReport';
import { exploreRequest } from '../../../src/app/exploreRequest';
import { queuedExplorer } from '../../../src/app/queuedExplorer';
import { RunController, type ControllerEvent } from '../../../src/app/runController';
import { questionRequest } from '../../../src/app/runRequests';
import { ScriptedModel } from '../../../src/model/scriptedModel';
import { createExplorerTools } from '../../../src/tools/registry';
import { makeFixtureWorkspace, type FixtureWorkspace } from '../../fakes/fixtureWorkspace';

let workspace: FixtureWorkspace;
let outside: string;
beforeAll(async () => {
  workspace = await makeFixtureWorkspace();
  outside = await mkdtemp(path.join(tmpdir(), 'loco-outside-'));
  await mkdir(path.join(outside, 'secrets'));
  await symlink(path.join(outside, 'secrets'), path.join(workspace.root, 'docs', 'escape'));
});
afterAll(async () => {
  await workspace.cleanup();
  await rm(outside, { recursive: true, force: true });
});

describe('exploreRequest', () => {
  it('makes the run a question in the view would make, scoped to the folder given', async () => {
    const result = await exploreRequest({ question: '  Where are routes?  ', folder: 'src/server', thoroughness: 'quick' }, [workspace.root]);
    const folder = path.join(workspace.root, 'src/server');
    expect(result).toEqual({ ok: true, request: questionRequest('Where are routes?', { kind: 'folder', path: folder, label: 'src/server' }, [workspace.root], 'quick') });
  });

  it('takes a file, an absolute path, and a folder named after its root in a workspace of several', async () => {
    const second = path.join(outside, 'secrets');
    const roots = [workspace.root, second];
    const named = await exploreRequest({ question: 'q', folder: `${path.basename(workspace.root)}/src` }, roots);
    expect(named).toMatchObject({ ok: true, request: { scope: { kind: 'folder', path: path.join(workspace.root, 'src') }, thoroughness: 'medium' } });
    const file = await exploreRequest({ question: 'q', folder: path.join(workspace.root, 'src/server/app.py') }, [workspace.root]);
    expect(file).toMatchObject({ ok: true, request: { scope: { kind: 'file', label: 'src/server/app.py' } } });
  });

  it('takes a folder by the label its root has when two roots share a name', async () => {
    const base = await mkdtemp(path.join(tmpdir(), 'loco-twins-'));
    try {
      const client = path.join(base, 'client', 'app');
      const server = path.join(base, 'server', 'app');
      await mkdir(path.join(client, 'src'), { recursive: true });
      await mkdir(path.join(server, 'src'), { recursive: true });
      const roots = [client, server];
      const inServer = await exploreRequest({ question: 'q', folder: 'app (server)/src' }, roots);
      expect(inServer).toMatchObject({ ok: true, request: { scope: { kind: 'folder', path: path.join(server, 'src') } } });
      const wholeRoot = await exploreRequest({ question: 'q', folder: 'app (client)' }, roots);
      expect(wholeRoot).toMatchObject({ ok: true, request: { scope: { kind: 'folder', path: client } } });
    } finally {
      await rm(base, { recursive: true, force: true });
    }
  });

  it('refuses a folder outside the workspace, a link that leads out of it, and a folder that is not there', async () => {
    expect(await exploreRequest({ question: 'q', folder: outside }, [workspace.root])).toEqual({
      ok: false,
      message: `The folder "${outside}" is outside the workspace; only \`${workspace.root}\` can be explored.`,
    });
    expect(await exploreRequest({ question: 'q', folder: 'docs/escape' }, [workspace.root])).toEqual({
      ok: false,
      message: `The folder "docs/escape" leads outside the workspace (through a symbolic link); only \`${workspace.root}\` can be explored.`,
    });
    expect(await exploreRequest({ question: 'q', folder: 'srv' }, [workspace.root])).toMatchObject({ ok: false, message: expect.stringContaining('There is no folder "srv"') });
    expect(await exploreRequest({ question: 'q' }, [])).toEqual({ ok: false, message: 'No workspace folder is open, so there is nothing to explore.' });
  });

  it('says what is wrong with each bad field at once', async () => {
    const result = await exploreRequest({ question: '', thoroughness: 'max' }, [workspace.root]);
    expect(result).toEqual({
      ok: false,
      message: 'The question is empty: say what to find out about the code, e.g. "How are HTTP routes registered?" thoroughness must be one of quick, medium, veryThorough, not "max".',
    });
    expect(await exploreRequest(undefined, [workspace.root])).toMatchObject({ ok: false, message: expect.stringMatching(/^question must be text/) });
  });
});

describe('exploreAnswer', () => {
  it('says why there is no report', async () => {
    const place = { roots: [workspace.root], cwd: workspace.root };
    expect(await exploreAnswer({ reason: 'cancelled', turns: 1 }, place)).toEqual(failedAnswer('The exploration was stopped before it wrote a report.'));
    expect((await exploreAnswer({ reason: 'max_turns', turns: 5 }, place)).text).toMatch(/used its 5 turns without writing a report/);
    expect((await exploreAnswer({ reason: 'error', error: 'the server went away', turns: 0 }, place)).text).toBe('The exploration failed: the server went away.');
  });

  it('flags a reference outside the workspace and leaves prose alone', async () => {
    const report = `Settings come from /etc/hosts:1 and ${workspace.root}/pyproject.toml; see and/or Node.js docs.`;
    const answer = await exploreAnswer({ reason: 'done', report, turns: 2 }, { roots: [workspace.root], cwd: workspace.root });
    expect(answer.text.split('\n\n---\n')[0]).toBe('Settings come from /etc/hosts:1 [unverified] and pyproject.toml; see and/or Node.js docs.');
    expect(answer.text).toContain('- /etc/hosts:1: /etc/hosts is outside the workspace; only files in the workspace are linked');
    expect(answer.references).toEqual([{ path: path.join(workspace.root, 'pyproject.toml'), label: 'pyproject.toml' }]);
    expect(answer.unverified).toEqual([{ label: '/etc/hosts:1', why: '/etc/hosts is outside the workspace; only files in the workspace are linked' }]);
    expect(answer.report).toBe(answer.text.split('\n\n---\n')[0]);
  });

  it('flags lines no file has and a folder given a line, and lists a folder mentioned as one', async () => {
    const report = 'Loaded in src/server/app.py:0, src/server/app.py:2-999 and src/server/app.py:6-3; the code is in src/server/ (see server:1) and port:8080 is the default.';
    const answer = await exploreAnswer({ reason: 'done', report, turns: 2 }, { roots: [workspace.root], cwd: path.join(workspace.root, 'src') });
    expect(answer.report).toBe(
      'Loaded in src/server/app.py:0 [unverified], src/server/app.py:2-999 [unverified] and src/server/app.py:6-3 [unverified]; the code is in src/server/ (see src/server:1 [unverified]) and port:8080 is the default.',
    );
    expect(answer.references).toEqual([{ path: path.join(workspace.root, 'src/server'), label: 'src/server/' }]);
    expect(answer.unverified).toEqual([
      { label: 'src/server/app.py:0', why: 'Line 0 is not a line of src/server/app.py: lines count from 1' },
      { label: 'src/server/app.py:2-999', why: expect.stringMatching(/^Lines 2-999 run past the end of src\/server\/app\.py, which has \d+ lines$/) },
      { label: 'src/server/app.py:6-3', why: 'The range 6-3 of src/server/app.py ends before it starts' },
      { label: 'src/server:1', why: 'src/server is a folder, not a file: a line number needs a file' },
    ]);
  });
});

/** A controller whose sessions answer from `model` in the fixture, like the extension's. */
function controllerOn(model: ScriptedModel | 'missing') {
  const controller = new RunController({
    openSession: async (cwd, history) =>
      model === 'missing' ? 'modelNeeded' : new AgentSession({ model, tools: createExplorerTools(), cwd, roots: [workspace.root], history }),
    history: { begin: async () => {}, finish: async () => {}, saveConversation: async () => {}, forgetConversation: async () => {} },
    maxTurnsFor: () => 4,
    log: { info: () => {}, error: () => {} },
  });
  const events: ControllerEvent[] = [];
  controller.onEvent((event) => events.push(event));
  return { controller, events };
}

describe('controllerExplorer: another agent through the view queue', () => {
  it('runs as a run of the view, and answers with the report', async () => {
    const model = new ScriptedModel([
      '<tool_call>\n{"name": "Read", "arguments": {"file_path": "src/server/config.py", "limit": 3}}\n</tool_call>',
      'The settings are read in src/server/config.py:1.',
    ]);
    const { controller, events } = controllerOn(model);
    const progress: string[] = [];
    const answer = await exploreCall({ question: 'Where are settings read?' }, { roots: [workspace.root], explorer: controllerExplorer(controller), signal: new AbortController().signal, onProgress: (line) => progress.push(line) });
    expect(answer).toMatchObject({ isError: false, references: [{ label: 'src/server/config.py:1', line: 1 }] });
    expect(progress).toEqual(['Read src/server/config.py:1-3']);
    expect(controller.runs.map((run) => run.question)).toEqual(['Where are settings read?']);
    expect(events.filter((event) => event.type === 'run/ended')).toHaveLength(1);
  });

  it('waits for the question the view is answering, then runs after it in the same conversation', async () => {
    const model = new ScriptedModel(['The view question is answered.', 'Routes live in src/server/routes.py:1.'], { chunkSize: 4, delayMs: 5 });
    const { controller } = controllerOn(model);
    expect(await controller.start(questionRequest('A view question', { kind: 'workspace' }, [workspace.root], 'medium'))).toBe('started');
    const progress: string[] = [];
    const answer = await exploreCall({ question: 'Where are routes?' }, { roots: [workspace.root], explorer: controllerExplorer(controller), signal: new AbortController().signal, onProgress: (line) => progress.push(line) });
    expect(progress).toEqual([WAITING_NOTICE]);
    expect(answer.text).toMatch(/^Routes live in src\/server\/routes\.py:1\./);
    expect(controller.runs.map((run) => run.question)).toEqual(['A view question', 'Where are routes?']);
    // The second question's prompt continued the first one's conversation, which had ended.
    expect(model.prompts[1]).toContain('The view question is answered.<|im_end|>');
  });

  it('stops its own run when the caller cancels, and starts nothing when cancelled while waiting', async () => {
    const model = new ScriptedModel([`${'Writing. '.repeat(2000)}`, 'View report.'], { chunkSize: 8, delayMs: 5 });
    const { controller } = controllerOn(model);
    const abort = new AbortController();
    const running = exploreCall({ question: 'Everything?' }, { roots: [workspace.root], explorer: controllerExplorer(controller), signal: abort.signal, onProgress: () => {} });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(controller.isRunning).toBe(true);
    abort.abort();
    expect(await running).toEqual(failedAnswer('The exploration was stopped before it wrote a report.'));
    expect(controller.isRunning).toBe(false);

    expect(await controller.start(questionRequest('View question', { kind: 'workspace' }, [workspace.root], 'medium'))).toBe('started');
    const waiting = new AbortController();
    const queued = exploreCall({ question: 'Later?' }, { roots: [workspace.root], explorer: controllerExplorer(controller), signal: waiting.signal, onProgress: () => waiting.abort() });
    expect((await queued).text).toBe('The exploration was stopped before it wrote a report.');
    await controller.settled();
    expect(controller.runs.map((run) => run.question)).toEqual(['Everything?', 'View question']);
  });

  it('says how to get a model, and leaves no question waiting for one: its run in the view ends saying so', async () => {
    const { controller } = controllerOn('missing');
    const answer = await exploreCall({ question: 'Anything?' }, { roots: [workspace.root], explorer: controllerExplorer(controller), signal: new AbortController().signal, onProgress: () => {} });
    expect(answer).toEqual(failedAnswer(`The exploration failed: ${MODEL_NEEDED_FOR_AGENT}`));
    expect(controller.pendingRequest).toBeUndefined();
    expect(controller.isRunning).toBe(false);
    expect(controller.runs.map((run) => [run.question, run.events.at(-1)?.type === 'run/finished' && run.events.at(-1)])).toEqual([
      ['Anything?', expect.objectContaining({ reason: 'error', error: MODEL_NEEDED_FOR_AGENT })],
    ]);
  });

  it('does not wait behind a view question that waits for a model: it says how to get one', async () => {
    const { controller } = controllerOn('missing');
    expect(await controller.start(questionRequest('A view question', { kind: 'workspace' }, [workspace.root], 'medium'))).toBe('modelNeeded');
    const progress: string[] = [];
    const answer = await exploreCall({ question: 'Anything?' }, { roots: [workspace.root], explorer: controllerExplorer(controller), signal: new AbortController().signal, onProgress: (line) => progress.push(line) });
    expect(answer).toEqual(failedAnswer(`The exploration failed: ${MODEL_NEEDED_FOR_AGENT}`));
    expect(progress).toEqual([]);
    // The view's question still waits for its model.
    expect(controller.pendingRequest?.question).toBe('A view question');
  });
});

describe('queuedExplorer: the MCP server’s own queue', () => {
  it('runs calls one after the other, each in a fresh conversation', async () => {
    const model = new ScriptedModel(['First: src/server/app.py:8.', 'Second: src/server/models.py:1.'], { chunkSize: 3, delayMs: 2 });
    const explorer = queuedExplorer({ modelForCall: async () => model, tools: createExplorerTools(), maxTurnsFor: () => 3 });
    const call = (question: string, progress: string[]) =>
      exploreCall({ question }, { roots: [workspace.root], explorer, signal: new AbortController().signal, onProgress: (line) => progress.push(line) });
    const firstProgress: string[] = [];
    const secondProgress: string[] = [];
    const [first, second] = await Promise.all([call('Where is the app?', firstProgress), call('Where are the models?', secondProgress)]);
    expect(first.text).toMatch(/^First: src\/server\/app\.py:8\./);
    expect(second.text).toMatch(/^Second: src\/server\/models\.py:1\./);
    expect(secondProgress).toEqual([WAITING_NOTICE]);
    expect(model.prompts[1]).not.toContain('Where is the app?');
  });

  it('answers a call whose model cannot be opened with the reason, and opens it again for the next call', async () => {
    let opened = 0;
    const explorer = queuedExplorer({
      modelForCall: async () => {
        if (++opened === 1) throw new Error('Cannot reach the server at http://gpu:8080: connection refused.');
        return new ScriptedModel(['Found: src/server/app.py:8.']);
      },
      tools: createExplorerTools(),
      maxTurnsFor: () => 3,
    });
    const call = () => exploreCall({ question: 'Where is the app?' }, { roots: [workspace.root], explorer, signal: new AbortController().signal, onProgress: () => {} });
    expect(await call()).toMatchObject({ isError: true, text: 'The exploration failed: Cannot reach the server at http://gpu:8080: connection refused.' });
    expect(await call()).toMatchObject({ isError: false, text: expect.stringMatching(/^Found: src\/server\/app\.py:8\./) });
  });
});
