import { describe, expect, it } from 'vitest';
import { unknownToolResult } from '../../../src/tools/defineTool';
import { createExplorerTools } from '../../../src/tools/registry';

describe('createExplorerTools', () => {
  it('gives the read-only tools by the names the model uses', () => {
    const tools = createExplorerTools();
    expect([...tools.keys()]).toEqual(['Read', 'Grep', 'Glob', 'Bash', 'Task']);
    for (const [name, tool] of tools) expect(tool.name).toBe(name);
    expect(tools.has('Write')).toBe(false);
    expect(tools.has('Edit')).toBe(false);
  });

  it('leaves out Task for a sub-agent', () => {
    expect([...createExplorerTools({ includeTask: false }).keys()]).toEqual(['Read', 'Grep', 'Glob', 'Bash']);
  });
});

describe('unknownToolResult', () => {
  it.each(['Write', 'Edit', 'WebFetch'])('answers %s as the trained tool did', (name) => {
    expect(unknownToolResult(name)).toEqual({
      output: `<tool_use_error>Error: No such tool available: ${name}</tool_use_error>`,
      title: name,
      metadata: {},
      status: 'error',
    });
  });
});
