import { z } from 'zod';
import { Thoroughness } from './webview';

/**
 * What another agent sends to have the workspace explored: through the VS Code language-model
 * tool (`#explore`), the `locooperator mcp` server's `explore` tool and the chat participant.
 * Everything in it comes from another model, so each field says in its error what was wrong and
 * what to send instead; the folder is checked against the workspace later (src/app/exploreRequest).
 * package.json declares the same schema for the language-model tool (a test keeps them equal).
 */

/** Questions longer than this are not questions; the model's window is the real limit. */
export const MAX_QUESTION_CHARS = 8000;

export const EXPLORE_TOOL_NAME = 'explore';

export const ExploreInput = z.object({
  question: z
    .string({ error: 'question must be text: what to find out about the code, e.g. "How are HTTP routes registered?"' })
    .trim()
    .min(1, 'The question is empty: say what to find out about the code, e.g. "How are HTTP routes registered?"')
    .max(MAX_QUESTION_CHARS, `The question is longer than ${MAX_QUESTION_CHARS} characters: ask it in fewer words.`)
    .describe('What to find out about the code, as a self-contained question (e.g. "How does the CLI load its configuration?").'),
  folder: z
    .string({ error: 'folder must be text: a folder of the workspace, relative to it or absolute.' })
    .trim()
    .min(1, 'folder is empty: leave it out to explore the whole workspace.')
    .max(4096, 'folder is too long to be a path.')
    .optional()
    .describe('A folder (or file) of the workspace to focus on, relative to the workspace or absolute. Leave it out to explore the whole workspace.'),
  thoroughness: z
    .enum(Thoroughness.options, {
      error: (issue) => `thoroughness must be one of ${Thoroughness.options.join(', ')}, not ${JSON.stringify(issue.input)}.`,
    })
    .optional()
    .describe('How long to explore: quick (a few tool calls), medium (the default) or veryThorough (several times as many).'),
});
export type ExploreInput = z.infer<typeof ExploreInput>;

/** What the calling model reads to decide when to use the tool (the MCP tool's and the language-model tool's description). */
export const EXPLORE_TOOL_DESCRIPTION = [
  'Explores this codebase with LocoOperator, a small local model that runs read-only searches (Read, Grep, Glob, read-only shell)',
  'and returns a written report with file paths and line numbers.',
  'Use it instead of reading many files yourself when you need to find where or how something works',
  '("Where are HTTP routes registered?", "How does the config loading work?", "What calls parse_args?"):',
  'it costs you only the report.',
  'Ask one self-contained question per call. References in the report that could not be verified against the workspace are flagged.',
  'It cannot edit files or run programs.',
].join(' ');

/** The input schema as JSON Schema, as MCP clients and VS Code's tool contribution declare it. */
export function exploreInputJsonSchema(): Record<string, unknown> {
  const { $schema: _dialect, ...schema } = z.toJSONSchema(ExploreInput, { io: 'input' }) as Record<string, unknown>;
  return schema;
}
