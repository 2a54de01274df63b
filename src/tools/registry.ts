import { bashTool } from './bash';
import type { Tool } from './defineTool';
import { globTool } from './glob';
import { grepTool } from './grep';
import { readTool } from './read';
import { taskTool } from './task';

/**
 * The explorer's tools by name, as the model calls them. There is deliberately no Write or
 * Edit: the explorer is read-only, and a call to them gets unknownToolResult (defineTool.ts) like any other.
 * A sub-agent's set leaves out Task, so explorations cannot nest.
 */
export function createExplorerTools(options: { includeTask?: boolean } = {}): ReadonlyMap<string, Tool> {
  const tools: Tool[] = [readTool, grepTool, globTool, bashTool];
  if (options.includeTask ?? true) tools.push(taskTool);
  return new Map(tools.map((tool) => [tool.name, tool]));
}
