import { describe, expect, it } from 'vitest';
import { openingMessages } from '../../../src/agent/loop';
import { createExplorerTools } from '../../../src/tools/registry';
import { firstSentence, parameterNames, toolSummaries } from '../../../src/tools/toolDescriptions';

describe('toolSummaries', () => {
  const tools = createExplorerTools();
  const summaries = toolSummaries(tools.values());

  it('describes every tool from its own description and zod parameters', () => {
    expect(summaries.map((summary) => summary.name)).toEqual([...tools.keys()]);
    for (const summary of summaries) {
      const tool = tools.get(summary.name)!;
      expect(summary.description).toBe(tool.description);
      expect(summary.parameters).toMatchObject({ type: 'object' });
      expect(parameterNames(summary)).toEqual(Object.keys(tool.parameters.shape));
    }
  });

  it("shows each description's first sentence in the toolList system prompt", () => {
    const [system] = openingMessages({ cwd: '/p', tools, env: { platform: 'linux', shell: 'bash' }, systemPromptVariant: 'toolList' }, 'q');
    for (const summary of summaries) {
      const sentence = firstSentence(summary.description);
      expect(sentence.length).toBeGreaterThan(0);
      expect(summary.description.startsWith(sentence)).toBe(true);
      expect(sentence.endsWith('.')).toBe(true);
      expect(system!.content).toContain(`\n- ${summary.name} (${parameterNames(summary).join(', ')}): ${sentence}\n`);
    }
  });
});

describe('firstSentence', () => {
  it.each([
    ['Reads a file. Then more.', 'Reads a file.'],
    ['Searches (e.g. "x.y"). More.', 'Searches (e.g. "x.y").'],
    ['Lists v1.2 files.\nMore.', 'Lists v1.2 files.'],
    ['No full stop', 'No full stop'],
  ])('%j → %j', (description, expected) => {
    expect(firstSentence(description)).toBe(expected);
  });
});
