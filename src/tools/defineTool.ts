import { z } from 'zod';
import { errorMessage } from '../protocol/errorMessage';

/** What a tool can see and use while it runs. Built by the agent loop for each call. */
export interface ToolContext {
  /** The working directory the model is told about (absolute). */
  cwd: string;
  /** Workspace roots (absolute, real paths) as they are for this call; every path a tool touches must be inside one. */
  roots: readonly string[];
  /**
   * Whether a search without a path (Grep, Glob) covers every root rather than the working
   * directory alone: a question about the whole of a multi-root workspace.
   */
  searchesAllRoots?: boolean;
  signal: AbortSignal;
  /** Globs that searches (Grep, Glob) leave out on top of .gitignore: VS Code's files.exclude, for instance. */
  exclude?: readonly string[];
  /**
   * Set when real git must not run in this call (the workspace is not trusted): why, and how to
   * change that, worded for the model. git reads the repository's own configuration and files.
   */
  gitUnavailable?: string;
  /** The id of the call being run (the UI card's id; a sub-agent run points back to it). */
  callId?: string;
  /** Runs a child exploration (only given to tools that may spawn one: Task). */
  runSubAgent?: (request: SubAgentRequest) => Promise<SubAgentResult>;
}

export interface SubAgentRequest {
  description: string;
  prompt: string;
  callId: string;
}

export interface SubAgentResult {
  agentId: string;
  report: string;
  totalTokens: number;
  toolUses: number;
  durationMs: number;
}

/** What a card's title needs: paths in it are labelled as everywhere else (workspaceLabel). */
export type TitleContext = Pick<ToolContext, 'cwd' | 'roots'>;

export type ToolOutcome = 'done' | 'error' | 'refused';

export interface ToolResult {
  /** The exact text the model sees, within the tool's contract; the loop cuts it to the window if it must (contextBudget.ts). */
  output: string;
  /** One line for the UI card, e.g. `Read src/app.py:10-60`. */
  title: string;
  metadata: Record<string, unknown>;
  status: ToolOutcome;
}

/** What a tool's execute returns; status defaults to done. */
export type ToolExecuteResult = Omit<ToolResult, 'status'> & { status?: ToolOutcome };

export interface Tool {
  readonly name: string;
  /** What the tool does, for the model and for other agents: every surface reads it through toolSummaries (toolDescriptions.ts). */
  readonly description: string;
  /** The arguments the model may pass: the one schema every surface that describes the tool reads. */
  readonly parameters: z.ZodObject<z.ZodRawShape>;
  /** Validates raw model arguments, runs the tool, and never throws. */
  run(rawArgs: unknown, ctx: ToolContext): Promise<ToolResult>;
  /** A title for a call before it has run (for the UI card), from raw arguments. */
  titleFor(rawArgs: unknown, ctx: TitleContext): string;
}

interface ToolDefinition<Shape extends z.ZodRawShape> {
  name: string;
  description: string;
  parameters: z.ZodObject<Shape>;
  /** Other names the model uses for a parameter, e.g. `{ path: 'file_path' }`. */
  aliases?: Record<string, keyof Shape & string>;
  /** Parameters accepted and ignored (known to the trained tool, unused here). */
  ignored?: readonly string[];
  execute(input: z.infer<z.ZodObject<Shape>>, ctx: ToolContext): Promise<ToolExecuteResult>;
  title(input: Partial<z.infer<z.ZodObject<Shape>>>, ctx: TitleContext): string;
}

/** Error text the model recognises: the trained CLI wrapped tool errors in this tag. */
export function toolUseError(message: string): string {
  return `<tool_use_error>${message}</tool_use_error>`;
}

/** The answer to a call of a tool the explorer does not have (Write, Edit, or a made-up name). */
export function unknownToolResult(name: string): ToolResult {
  return { output: toolUseError(`Error: No such tool available: ${name}`), title: name, metadata: {}, status: 'error' };
}

/** A failure a tool reports to the model as an error result rather than a crash. */
export class ToolFailure extends Error {
  constructor(
    readonly output: string,
    readonly status: ToolOutcome = 'error',
  ) {
    super(output);
  }
}

export function defineTool<Shape extends z.ZodRawShape>(def: ToolDefinition<Shape>): Tool {
  const normalize = (rawArgs: unknown) => normalizeArgs(rawArgs, def.parameters, def.aliases ?? {}, def.ignored ?? []);
  return {
    name: def.name,
    description: def.description,
    parameters: def.parameters,
    titleFor(rawArgs, ctx) {
      const { args } = normalize(rawArgs);
      try {
        return def.title(args as Partial<z.infer<z.ZodObject<Shape>>>, ctx);
      } catch {
        return def.name;
      }
    },
    async run(rawArgs, ctx) {
      const { args, problems } = normalize(rawArgs);
      const parsed = def.parameters.safeParse(args);
      if (problems.length > 0 || !parsed.success) {
        const issues = [...problems, ...(parsed.success ? [] : describeIssues(parsed.error, args))];
        const unique = [...new Set(issues)];
        const heading = unique.length === 1 ? 'the following issue' : 'the following issues';
        return {
          output: toolUseError(`InputValidationError: ${def.name} failed due to ${heading}:\n${unique.join('\n')}`),
          title: def.name,
          metadata: { validation: unique },
          status: 'error',
        };
      }
      const title = safeTitle(def, parsed.data, ctx);
      try {
        const result = await def.execute(parsed.data, ctx);
        return { status: 'done', ...result };
      } catch (error) {
        if (error instanceof ToolFailure) return { output: error.output, title, metadata: {}, status: error.status };
        const message = errorMessage(error);
        return { output: toolUseError(`Error: ${message}`), title, metadata: {}, status: 'error' };
      }
    },
  };
}

function safeTitle<Shape extends z.ZodRawShape>(def: ToolDefinition<Shape>, input: z.infer<z.ZodObject<Shape>>, ctx: ToolContext): string {
  try {
    return def.title(input, ctx);
  } catch {
    return def.name;
  }
}

/**
 * Renames aliases, reports unknown parameters, drops optional ones given as null or "undefined",
 * and coerces strings the model wrote for numbers and booleans ("3" → 3, "true" → true): small
 * models do all of that often and the meaning is clear.
 */
function normalizeArgs(
  rawArgs: unknown,
  schema: z.ZodObject<z.ZodRawShape>,
  aliases: Record<string, string>,
  ignored: readonly string[],
): { args: Record<string, unknown>; problems: string[] } {
  if (rawArgs === undefined || rawArgs === null) return { args: {}, problems: [] };
  if (typeof rawArgs !== 'object' || Array.isArray(rawArgs)) {
    return { args: {}, problems: [`The arguments must be a JSON object but were provided as ${typeName(rawArgs)}`] };
  }
  const shape = schema.shape;
  const args: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [rawKey, value] of Object.entries(rawArgs as Record<string, unknown>)) {
    const key = rawKey in shape ? rawKey : aliases[rawKey];
    if (key === undefined) {
      if (!ignored.includes(rawKey)) problems.push(`An unexpected parameter \`${rawKey}\` was provided`);
      continue;
    }
    if (key in args) continue; // the canonical name wins over an alias
    // Small models write null or "undefined" for a parameter they mean to leave out.
    if ((value === null || value === 'undefined') && (shape[key] as z.ZodType).safeParse(undefined).success) continue;
    args[key] = coerce(value, baseType(shape[key] as z.ZodType));
  }
  return { args, problems };
}

function baseType(schema: z.ZodType): string {
  let current: z.ZodType = schema;
  // Unwrap optional/default/nullable wrappers to the type the value must have.
  for (let depth = 0; depth < 8; depth++) {
    const def = (current as unknown as { def: { type: string; innerType?: z.ZodType } }).def;
    if (def.innerType && ['optional', 'default', 'nullable', 'prefault'].includes(def.type)) current = def.innerType;
    else return def.type;
  }
  return 'unknown';
}

function coerce(value: unknown, type: string): unknown {
  if (typeof value !== 'string') return value;
  const text = value.trim();
  if (type === 'number' && /^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  if (type === 'boolean' && (text === 'true' || text === 'false')) return text === 'true';
  return value;
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

function describeIssues(error: z.ZodError, args: Record<string, unknown>): string[] {
  return error.issues.map((issue) => {
    const name = issue.path.map(String).join('.');
    if (issue.code === 'invalid_type') {
      const provided = args[name];
      if (provided === undefined) return `The required parameter \`${name}\` is missing`;
      return `The parameter \`${name}\` type is expected as \`${issue.expected}\` but provided as \`${typeName(provided)}\``;
    }
    if (issue.code === 'invalid_value' && 'values' in issue) {
      return `The parameter \`${name}\` must be one of ${issue.values.map((v) => `\`${String(v)}\``).join(', ')}`;
    }
    return `The parameter \`${name}\` is invalid: ${issue.message}`;
  });
}
