import { unknownToolResult, type Tool, type ToolResult } from './defineTool';

/**
 * Tool names a small model invents now and then, from other agents it has read about. Where the
 * meaning is clear the call goes to the tool that does that job, so the turn is not lost; `LS`
 * (the trained agent's directory listing) becomes `ls -F` in Bash. Write and Edit are not here:
 * the trained answer to them is "No such tool available", and the explorer only reads.
 */
const SAME_JOB: Readonly<Record<string, string>> = {
  read: 'Read',
  read_file: 'Read',
  view: 'Read',
  view_file: 'Read',
  open_file: 'Read',
  grep: 'Grep',
  search: 'Grep',
  search_files: 'Grep',
  search_code: 'Grep',
  grep_search: 'Grep',
  ripgrep: 'Grep',
  glob: 'Glob',
  find_files: 'Glob',
  file_search: 'Glob',
  glob_files: 'Glob',
  bash: 'Bash',
  shell: 'Bash',
  run_command: 'Bash',
  execute_command: 'Bash',
  run_shell_command: 'Bash',
  terminal: 'Bash',
  task: 'Task',
  agent: 'Task',
  dispatch_agent: 'Task',
};

const LISTING_NAMES = new Set(['ls', 'list_dir', 'list_directory', 'list_files']);

/** Tools of the trained agent's environment that this explorer (or a sub-agent) does not offer: their answer is the trained one. */
const TRAINED_UNAVAILABLE = new Set(['Task', 'Write', 'Edit', 'MultiEdit', 'NotebookEdit', 'NotebookRead', 'WebFetch', 'WebSearch', 'TodoWrite', 'TodoRead', 'exit_plan_mode']);

export type ResolvedToolCall = { ok: true; tool: Tool; args: unknown } | { ok: false; result: ToolResult };

/** The tool a call names (by its own name or a clear invented one), with its arguments. */
export function resolveToolCall(tools: ReadonlyMap<string, Tool>, name: string, args: unknown): ResolvedToolCall {
  const exact = tools.get(name);
  if (exact) return { ok: true, tool: exact, args };
  const lower = name.toLowerCase();
  const bash = tools.get('Bash');
  if (LISTING_NAMES.has(lower) && bash) return { ok: true, tool: bash, args: listingCommand(args) };
  const same = SAME_JOB[lower];
  const tool = same === undefined ? undefined : tools.get(same);
  if (tool) return { ok: true, tool, args };
  const known = unknownToolResult(name);
  if (TRAINED_UNAVAILABLE.has(name)) return { ok: false, result: known };
  return {
    ok: false,
    result: { ...known, output: known.output.replace('</tool_use_error>', ` (the tools are ${[...tools.keys()].join(', ')})</tool_use_error>`) },
  };
}

/** `LS {"path": "/abs/dir"}` as the Bash call `ls -F '/abs/dir'`, quoted so the path stays one word. */
function listingCommand(args: unknown): { command: string; description: string } {
  const record = typeof args === 'object' && args !== null ? (args as Record<string, unknown>) : {};
  const target = [record.path, record.dir, record.directory, record.target_directory].find((value) => typeof value === 'string' && value !== '');
  const command = typeof target === 'string' ? `ls -F '${target.replace(/'/g, `'\\''`)}'` : 'ls -F';
  return { command, description: 'List directory' };
}
