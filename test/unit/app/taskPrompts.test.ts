import { describe, expect, it } from 'vitest';
import {
  askAboutSelectionTask,
  explainFileTask,
  explainFolderTask,
  MAX_SELECTION_CHARS,
  questionTask,
} from '../../../src/app/taskPrompts';

const ANSWER = 'Return a comprehensive answer, including relevant code snippets and absolute file paths with line numbers.';

describe('task prompts', () => {
  it('frames a typed question the way the training data framed its tasks', () => {
    expect(questionTask('  How is the configuration loaded?\n', { roots: ['/home/dev/black'] })).toBe(
      ['TASK:', 'Analyze the black codebase at `/home/dev/black`.', 'How is the configuration loaded?', '', ANSWER].join('\n'),
    );
  });

  it('names every folder of a multi-root workspace as a codebase', () => {
    const task = questionTask('How is auth done?', { roots: ['/w/api', '/w/web', '/w/docs'] });
    expect(task).toContain('Analyze the api, web and docs codebases at `/w/api`, `/w/web` and `/w/docs`.');
    // Named as every label names them: two folders of one name told apart.
    const twins = questionTask('How is auth done?', { roots: ['/w/client/app', '/w/server/app'] });
    expect(twins).toContain('Analyze the app (client) and app (server) codebases at `/w/client/app` and `/w/server/app`.');
  });

  it('says which folder or file a scoped question is about, in the codebase that holds it', () => {
    const task = questionTask('What calls this?', { roots: ['/w/api', '/w/web'], focus: { kind: 'file', path: '/w/web/src/cart.ts' } });
    expect(task.split('\n').slice(0, 4)).toEqual([
      'TASK:',
      'Analyze the web codebase at `/w/web`.',
      'What calls this?',
      'The question is about the file `/w/web/src/cart.ts`.',
    ]);
  });

  it('asks about a folder for purpose, roles, connections and entry points, as a numbered list', () => {
    const task = explainFolderTask('/repo/src/server', ['/repo']);
    expect(task).toContain('Analyze the repo codebase at `/repo`.\nExplain the folder `/repo/src/server`:\n1. Its purpose.');
    for (const word of ['role of each', 'connects', 'entry points']) expect(task).toContain(word);
    expect(task.endsWith(`\n\n${ANSWER}`)).toBe(true);
  });

  it('asks about a file the same way', () => {
    const task = explainFileTask('/repo/src/server/app.py', ['/repo']);
    expect(task).toContain('Explain the file `/repo/src/server/app.py`:');
    for (const word of ['purpose', 'definitions', 'connects', 'entry points']) expect(task).toContain(word);
    expect(task.endsWith(ANSWER)).toBe(true);
  });

  it('quotes a selection with its location, in a fence the selected text cannot close', () => {
    const text = 'const a = "```";\n````\nrest';
    const task = askAboutSelectionTask({ file: '/repo/a.ts', startLine: 3, endLine: 5, text }, ['/repo']);
    expect(task).toContain('/repo/a.ts:3-5');
    expect(task).toContain(`\`\`\`\`\`\n${text}\n\`\`\`\`\``);
    expect(task.split('\n')[2]).toMatch(/^Explain this code/);
  });

  it('puts the user question first and shortens a huge selection', () => {
    const task = askAboutSelectionTask(
      { file: '/a/b.py', startLine: 1, endLine: 9000, text: 'x'.repeat(MAX_SELECTION_CHARS * 3), question: 'Why is this slow?' },
      ['/a'],
    );
    expect(task.split('\n')[2]).toBe('Why is this slow?');
    expect(task).toContain('shortened');
    expect(task.length).toBeLessThan(MAX_SELECTION_CHARS + 1000);
  });
});
