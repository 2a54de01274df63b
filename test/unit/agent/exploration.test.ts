import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentSession } from '../../../src/agent/session';
import { ScriptedModel } from '../../../src/model/scriptedModel';
import type { AgentEvent } from '../../../src/protocol/agentEvent';
import { createExplorerTools } from '../../../src/tools/registry';
import { makeFixtureWorkspace, type FixtureWorkspace } from '../../fakes/fixtureWorkspace';

/**
 * Whole explorations on the fixture project with the real tools, driven by turns written the way
 * LocoOperator writes them (Bash where Read would do, parallel calls, absolute paths).
 */
const call = (name: string, args: Record<string, unknown>) => `<tool_call>\n${JSON.stringify({ name, arguments: args })}\n</tool_call>`;

let workspace: FixtureWorkspace;
beforeAll(async () => {
  workspace = await makeFixtureWorkspace();
});
afterAll(() => workspace.cleanup());

/** Tool results in call order (they finish in any order). */
function results(events: AgentEvent[]) {
  const finished = new Map(events.flatMap((event) => (event.type === 'tool/result' ? [[event.callId, event] as const] : [])));
  return events.flatMap((event) => (event.type === 'tool/call' ? [finished.get(event.callId)!] : []));
}

describe('an exploration of the fixture project', () => {
  it('answers "how is configuration loaded" with real tool output and a referenced report, then takes a follow-up', async () => {
    const root = workspace.root;
    const model = new ScriptedModel(
      [
        `I will start by listing the top-level files and finding the Python sources.\n${call('Bash', { command: `ls -F ${root}`, description: 'List top-level files' })}\n${call('Glob', { pattern: '**/*.py' })}`,
        `${call('Grep', { pattern: 'Config', path: `${root}/src`, output_mode: 'content', '-n': true })}\n${call('Read', { file_path: `${root}/src/server/config.py` })}`,
        `## How configuration is loaded\n\n- \`create_app\` applies \`Config\` unless a config object is passed: ${root}/src/server/app.py:8-10\n- \`Config\` reads \`SECRET_KEY\` from the environment: ${root}/src/server/config.py:5\n- Tests swap in \`TestConfig\`: ${root}/src/server/config.py:10-12`,
        `${call('Grep', { pattern: 'TestConfig', path: `${root}/tests`, output_mode: 'files_with_matches' })}`,
        `Tests use it in ${root}/tests/conftest.py.`,
      ],
      { chunkSize: 9 },
    );
    const session = new AgentSession({ model, tools: createExplorerTools(), cwd: root, roots: [root] });
    const events: AgentEvent[] = [];
    const outcome = await session.ask('How does the server load its configuration?', {
      signal: new AbortController().signal,
      onEvent: (event) => events.push(event),
    });

    expect(outcome.reason).toBe('done');
    expect(outcome.report).toContain(`${root}/src/server/app.py:8-10`);
    const [ls, glob, grep, read] = results(events);
    expect(ls!.output.split('\n')).toEqual(expect.arrayContaining(['README.md', 'src/', 'tests/', 'web/']));
    expect(glob!.output.split('\n')).toEqual(expect.arrayContaining([`${root}/src/server/app.py`, `${root}/tests/conftest.py`]));
    expect(glob!.output).not.toContain('node_modules');
    expect(grep!.output).toContain('src/server/app.py:3:from .config import Config');
    expect(read!.output).toContain('     4→class Config:');
    expect(results(events).map((result) => result.status)).toEqual(['done', 'done', 'done', 'done']);
    // What the model saw next is exactly what the tools returned, in call order.
    expect(model.prompts[2]).toContain(`<tool_response>\n${grep!.output}\n</tool_response>\n<tool_response>\n${read!.output}\n</tool_response>`);

    const followUp = await session.ask('Where do the tests use TestConfig?', { signal: new AbortController().signal, onEvent: () => {} });
    expect(followUp).toMatchObject({ reason: 'done', report: `Tests use it in ${root}/tests/conftest.py.` });
    // The follow-up continues the same conversation: its prompt starts with the whole first run.
    expect(model.prompts[3]).toContain('## How configuration is loaded');
    expect(model.prompts[3]).toContain('<|im_start|>user\nWhere do the tests use TestConfig?<|im_end|>');
    expect(model.prompts[4]).toContain('Found 1 file\ntests/conftest.py');
  });

  it('leaves out what the session excludes (files.exclude), in sub-agents too', async () => {
    const root = workspace.root;
    const model = new ScriptedModel([
      `${call('Glob', { pattern: '**/*.md' })}\n${call('Task', { description: 'Find docs', prompt: 'Find markdown files' })}`,
      call('Grep', { pattern: 'create_app' }),
      'Sub-agent report.',
      'Report.',
    ]);
    const events: AgentEvent[] = [];
    const session = new AgentSession({ model, tools: createExplorerTools(), cwd: root, roots: [root], exclude: ['docs/**'] });
    await session.ask('List the docs', { signal: new AbortController().signal, onEvent: (event) => events.push(event) });
    const [glob, , grep] = results(events);
    expect(glob!.output).toBe(`${root}/README.md`);
    expect(grep!.output).not.toContain('docs/architecture.md');
    expect(grep!.output).toContain('src/server/app.py');
  });

  it('refuses git while it is unavailable (an untrusted workspace), in sub-agents too, and runs it in the same session once it is available', async () => {
    const root = workspace.root;
    const model = new ScriptedModel([
      `${call('Bash', { command: 'git status' })}\n${call('Task', { description: 'History', prompt: 'Read the history' })}`,
      call('Bash', { command: 'git log --oneline -3' }),
      'Sub-agent report.',
      'Report.',
      call('Bash', { command: 'git status' }),
      'Follow-up report.',
    ]);
    let trusted = false;
    const reason = 'git is off because this folder is not trusted';
    const session = new AgentSession({ model, tools: createExplorerTools(), cwd: root, roots: [root], gitUnavailable: () => (trusted ? undefined : reason) });
    const events: AgentEvent[] = [];
    await session.ask('What changed lately?', { signal: new AbortController().signal, onEvent: (event) => events.push(event) });
    const [status, , log] = results(events);
    for (const refused of [status!, log!]) expect(refused).toMatchObject({ status: 'refused', output: expect.stringContaining(`Command refused: ${reason}.`) });

    trusted = true;
    events.length = 0;
    await session.ask('And now?', { signal: new AbortController().signal, onEvent: (event) => events.push(event) });
    // git ran: the fixture copy is no repository, and git says so.
    expect(results(events)[0]).toMatchObject({ status: 'done', output: expect.stringContaining('not a git repository') });
  });

  it('refuses a write attempt through Bash and keeps going', async () => {
    const root = workspace.root;
    const model = new ScriptedModel([
      call('Bash', { command: `rm -rf ${root}/src`, description: 'Clean up' }),
      'I cannot delete files; the explorer is read-only.',
    ]);
    const events: AgentEvent[] = [];
    const session = new AgentSession({ model, tools: createExplorerTools(), cwd: root, roots: [root] });
    const outcome = await session.ask('Delete the sources', { signal: new AbortController().signal, onEvent: (event) => events.push(event) });
    expect(outcome.reason).toBe('done');
    const [refusal] = results(events);
    expect(refusal!.status).not.toBe('done');
    expect(refusal!.output).toMatch(/`rm` is not available.*only lists, searches and reads files/);
    expect(workspace.entries).toContain('src/server/app.py');
    await expect(import('node:fs/promises').then((fs) => fs.stat(`${root}/src/server/app.py`))).resolves.toBeTruthy();
  });

  it('works in each question\'s folder: a follow-up in the second root says so in an ENV line, and its pathless tools search there', async () => {
    const root = workspace.root;
    const second = await makeFixtureWorkspace();
    try {
      const model = new ScriptedModel(['The project.', `${call('Bash', { command: 'ls -F', description: 'List' })}\n${call('Glob', { pattern: '**/*.py' })}`, 'The folder.']);
      const session = new AgentSession({ model, tools: createExplorerTools(), cwd: root, roots: [root, second.root] });
      await session.ask('What is this?', { signal: new AbortController().signal, onEvent: () => {}, searchesAllRoots: true });
      const folder = `${second.root}/src/server`;
      const events: AgentEvent[] = [];
      await session.ask('Explain the folder', { signal: new AbortController().signal, onEvent: (event) => events.push(event), cwd: folder });
      expect(session.cwd).toBe(folder);
      // The system prompt still names the first folder; the follow-up names its own, in the same words.
      expect(model.prompts[1]).toContain(`ENV: Working directory is ${root} (`);
      expect(model.prompts[1]).toMatch(new RegExp(`Explain the folder\n\nENV: Working directory is ${folder} \\(\\w+, \\w+\\)\\.<\\|im_end\\|>`));
      expect(events[0]).toMatchObject({ type: 'run/started', cwd: folder });
      const [ls, glob] = results(events);
      expect(ls!.output.split('\n')).toEqual(expect.arrayContaining(['app.py', 'routes.py']));
      expect(glob!.output.split('\n').every((line) => line.startsWith(`${folder}/`))).toBe(true);
    } finally {
      await second.cleanup();
    }
  });

  it('follows the workspace\'s folders from one tool call to the next', async () => {
    const root = workspace.root;
    const added = await makeFixtureWorkspace();
    try {
      let roots = [root];
      const model = new ScriptedModel([
        call('Read', { file_path: `${added.root}/README.md`, limit: 1 }),
        call('Read', { file_path: `${added.root}/README.md`, limit: 1, offset: 1 }),
        call('Read', { file_path: `${added.root}/README.md`, limit: 2 }),
        'Done.',
      ]);
      const session = new AgentSession({ model, tools: createExplorerTools(), cwd: root, roots: () => roots });
      const events: AgentEvent[] = [];
      const outcome = session.ask('Read it', {
        signal: new AbortController().signal,
        onEvent: (event) => {
          events.push(event);
          // The folder is added after the first call, and removed again after the second.
          if (event.type === 'tool/result') roots = results(events).length === 1 ? [root, added.root] : [root];
        },
      });
      await outcome;
      const [before, whileAdded, afterRemoval] = results(events);
      expect(before!.status).toBe('refused');
      expect(before!.output).toContain(`Only paths inside ${root} can be read.`);
      expect(whileAdded).toMatchObject({ status: 'done', output: '     1→# Tasklist' });
      expect(afterRemoval!.status).toBe('refused');
      expect(afterRemoval!.output).toContain(`Only paths inside ${root} can be read.`);
    } finally {
      await added.cleanup();
    }
  });
});
