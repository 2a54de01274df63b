import { describe, expect, it } from 'vitest';
import { unknownToolResult } from '../../../src/tools/defineTool';
import { resolveToolCall } from '../../../src/tools/inventedNames';
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

describe('resolveToolCall', () => {
  const tools = createExplorerTools();

  it('sends a clear invented name to the tool that does that job', () => {
    for (const [name, tool] of [['find_files', 'Glob'], ['read_file', 'Read'], ['grep', 'Grep'], ['run_command', 'Bash'], ['READ', 'Read']]) {
      const resolved = resolveToolCall(tools, name!, { pattern: '*' });
      expect(resolved.ok && resolved.tool.name).toBe(tool);
    }
  });

  it('answers LS with ls -F in Bash, the path quoted as one word', () => {
    const resolved = resolveToolCall(tools, 'LS', { path: "/w/it's here; rm -rf x" });
    expect(resolved).toMatchObject({ ok: true, args: { command: `ls -F '/w/it'\\''s here; rm -rf x'` } });
    expect(resolved.ok && resolved.tool.name).toBe('Bash');
    expect(resolveToolCall(tools, 'list_dir', {})).toMatchObject({ ok: true, args: { command: 'ls -F' } });
  });

  it('gives the trained answer for the trained agent\'s other tools, and names the real tools otherwise', () => {
    expect(resolveToolCall(tools, 'Write', {})).toEqual({ ok: false, result: unknownToolResult('Write') });
    expect(resolveToolCall(createExplorerTools({ includeTask: false }), 'Task', {})).toEqual({ ok: false, result: unknownToolResult('Task') });
    const invented = resolveToolCall(tools, 'summon_oracle', {});
    expect(invented.ok === false && invented.result.output).toBe(
      '<tool_use_error>Error: No such tool available: summon_oracle (the tools are Read, Grep, Glob, Bash, Task)</tool_use_error>',
    );
  });
});

describe('optional arguments', () => {
  it('reads null and "undefined" for an optional parameter as left out, and still requires required ones', async () => {
    const root = process.cwd();
    const ctx = { cwd: root, roots: [root], signal: new AbortController().signal };
    const grep = createExplorerTools().get('Grep')!;
    const result = await grep.run({ pattern: 'resolveToolCall', path: null, glob: 'undefined', type: null, head_limit: null }, ctx);
    expect(result.status).toBe('done');
    expect(result.output).toContain('src/tools/inventedNames.ts');
    const missing = await grep.run({ pattern: null }, ctx);
    expect(missing.output).toContain('`pattern`');
  });
});
