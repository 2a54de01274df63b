import { describe, expect, it } from 'vitest';
import {
  askAboutSelectionTask,
  explainFileTask,
  explainFolderTask,
  MAX_SELECTION_CHARS,
  workspaceTask,
} from '../../../src/agent/taskPrompts';

describe('task prompts', () => {
  it('asks about a folder for purpose, roles, connections and entry points with references', () => {
    const task = explainFolderTask('/repo/src/server');
    expect(task).toContain('/repo/src/server');
    for (const word of ['purpose', 'role', 'connects', 'entry points', 'file reference']) expect(task).toContain(word);
  });

  it('asks about a file the same way', () => {
    const task = explainFileTask('/repo/src/server/app.py');
    expect(task).toContain('/repo/src/server/app.py');
    for (const word of ['purpose', 'connects', 'entry points', 'file reference']) expect(task).toContain(word);
  });

  it('quotes a selection with its location, in a fence the selected text cannot close', () => {
    const text = 'const a = "```";\n````\nrest';
    const task = askAboutSelectionTask({ file: '/repo/a.ts', startLine: 3, endLine: 5, text });
    expect(task).toContain('/repo/a.ts:3-5');
    expect(task).toContain(`\`\`\`\`\`\n${text}\n\`\`\`\`\``);
    expect(task.startsWith('Explain this code')).toBe(true);
  });

  it('puts the user question first and shortens a huge selection', () => {
    const task = askAboutSelectionTask({ file: '/a.py', startLine: 1, endLine: 9000, text: 'x'.repeat(MAX_SELECTION_CHARS * 3), question: 'Why is this slow?' });
    expect(task.startsWith('Why is this slow?')).toBe(true);
    expect(task).toContain('shortened');
    expect(task.length).toBeLessThan(MAX_SELECTION_CHARS + 1000);
  });

  it('names every folder of a multi-root workspace, and leaves a single-root question as typed', () => {
    expect(workspaceTask('How is auth done?', ['/a'])).toBe('How is auth done?');
    expect(workspaceTask('How is auth done?', ['/a', '/b'])).toContain('/a, /b');
  });
});
