import { z } from 'zod';
import type { Tool } from './defineTool';

/**
 * What every surface that describes a tool reads: the system prompt's tool list, and the
 * language-model tool and MCP server that offer the tools to other agents. Each tool's own file
 * holds its description and zod parameters; this only presents them, so no surface keeps a
 * second wording that could drift.
 */
export interface ToolSummary {
  name: string;
  description: string;
  /** The parameters as JSON Schema (what MCP and `vscode.lm` tools declare), from the tool's zod schema. */
  parameters: z.core.JSONSchema.JSONSchema;
}

export function toolSummaries(tools: Iterable<Tool>): ToolSummary[] {
  return [...tools].map((tool) => ({ name: tool.name, description: tool.description, parameters: z.toJSONSchema(tool.parameters) }));
}

/** The parameter names a summary declares, in schema order. */
export function parameterNames(summary: ToolSummary): string[] {
  return Object.keys(summary.parameters.properties ?? {});
}

/**
 * The description's first sentence, for a one-line listing: up to the first full stop that ends a
 * sentence, one followed by white space or the end and outside brackets (so `(e.g. "x")` does not end it).
 */
export function firstSentence(description: string): string {
  let depth = 0;
  for (let index = 0; index < description.length; index++) {
    const char = description[index]!;
    if (char === '(' || char === '[') depth++;
    else if ((char === ')' || char === ']') && depth > 0) depth--;
    else if (char === '.' && depth === 0 && (index + 1 === description.length || /\s/.test(description[index + 1]!))) return description.slice(0, index + 1);
  }
  return description.trim();
}
