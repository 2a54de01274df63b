import { parseArgs } from 'node:util';
import { createEventSink } from '../agent/events';
import { DEFAULT_MAX_TURNS, openingMessages, runAgent } from '../agent/loop';
import { renderPrompt, type SystemPromptVariant } from '../agent/prompt';
import { promptText } from '../protocol/prompt';
import { questionTask } from '../app/taskPrompts';
import { unknownToolResult } from '../tools/defineTool';
import { createExplorerTools } from '../tools/registry';
import { runDownloadCommand } from './download';
import { createEventPrinter, unverifiedReferencesNote } from './eventPrinter';
import { exploreAnswer } from '../app/exploreReport';
import { checkModelChoice, MODEL_CHOICE_OPTIONS, openChosenModel } from './modelChoice';
import { positiveInt, UsageError } from './usageError';
import { ROOTS_OPTION, rootsOption } from './rootsOption';
import { runMcpCommand } from './mcpCommand';
import { errorMessage } from '../protocol/errorMessage';

const USAGE = `LocoOperator: explore a codebase with a small model that runs on your machine.

Usage:
  locooperator ask "QUESTION" [--cwd DIR]... [--model FILE.gguf | --scripted FILE.json
                              | --server URL [--server-kind KIND] [--server-model NAME]]
                              [--max-turns N] [--threads N] [--context-size N] [--json]
                              [--system-prompt trained|tool-list]
  locooperator prompt "QUESTION" [--cwd DIR]... [--system-prompt trained|tool-list]
  locooperator tool NAME 'JSON-ARGS' [--cwd DIR]...
  locooperator download [--variant Q4_K_M] [--dir DIR]
  locooperator mcp [--cwd DIR]... [--model FILE.gguf | --scripted FILE.json | --server URL …]

ask        answers QUESTION about the code in DIR (default: the current directory; repeat
           --cwd for a workspace of several folders, the first the working directory) and
           prints the tool calls and the report as they happen (--json: one event per line),
           then the report's file references that do not check out, and why.
           The model is --model, else $LOCOOPERATOR_MODEL_PATH, else the downloaded default;
           --scripted replays recorded turns instead (\${workspaceFolder} in them is the first DIR).
           --server asks a shared inference server instead: llama-server, an OpenAI-compatible
           server (vLLM, LM Studio; its raw completions endpoint) or Ollama. The kind is
           detected (llama-server by /props, Ollama by /api/version, else OpenAI-compatible);
           --server-kind llama-server|openai-compatible|ollama says it. Ollama needs
           --server-model. An API key is read from $LOCOOPERATOR_SERVER_API_KEY.
prompt     prints the exact first prompt the model would receive for QUESTION (ChatML, as
           rendered; --system-prompt tool-list adds a tool list to the trained system prompt,
           for evaluations).
tool       runs one tool call and prints exactly the text the model would see.
download   downloads LocoOperator-4B (GGUF) for --model.
mcp        serves an MCP "explore" tool on stdin/stdout for other agents (Claude Code, Codex
           CLI, Cline…): each call explores DIR (repeat --cwd for several folders) and returns
           the report with checked file references. The model options are those of ask.
`;

const COMMANDS = ['ask', 'prompt', 'tool', 'download', 'mcp'];

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  // `locooperator ask --help` and the like: the usage, whatever else the line says.
  if (command !== undefined && COMMANDS.includes(command) && (rest.includes('--help') || rest.includes('-h'))) {
    process.stdout.write(USAGE);
    return 0;
  }
  switch (command) {
    case 'ask':
      return ask(rest);
    case 'prompt':
      return prompt(rest);
    case 'tool':
      return tool(rest);
    case 'download':
      return runDownloadCommand(rest);
    case 'mcp':
      return runMcpCommand(rest);
    case undefined:
    case '-h':
    case '--help':
    case 'help':
      process.stdout.write(USAGE);
      return command === undefined ? 2 : 0;
    default:
      process.stderr.write(`Unknown command "${command}".\n\n${USAGE}`);
      return 2;
  }
}

async function ask(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      ...ROOTS_OPTION,
      ...MODEL_CHOICE_OPTIONS,
      'max-turns': { type: 'string' },
      json: { type: 'boolean', default: false },
      'system-prompt': { type: 'string' },
    },
  });
  const question = positionals.join(' ').trim();
  if (!question) throw new UsageError('ask needs a question, e.g. locooperator ask "Where is the configuration loaded?"');
  checkModelChoice(values);
  const roots = rootsOption(values.cwd);
  const [cwd] = roots;
  const maxTurns = positiveInt(values['max-turns'], '--max-turns') ?? DEFAULT_MAX_TURNS;

  const model = await openChosenModel(values, cwd);

  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  const print = values.json
    ? (event: unknown) => process.stdout.write(`${JSON.stringify(event)}\n`)
    : createEventPrinter((text) => process.stdout.write(text));
  try {
    const outcome = await runAgent({
      model,
      tools: createExplorerTools(),
      task: questionTask(question, { roots }),
      systemPromptVariant: systemPromptVariant(values['system-prompt']),
      cwd,
      roots,
      // The question is about all of them: a search without a path covers every root.
      searchesAllRoots: true,
      maxTurns,
      signal: controller.signal,
      emit: createEventSink(print),
    });
    // The report's references checked as the view checks them, with the view's reasons.
    if (!values.json && outcome.report) process.stdout.write(unverifiedReferencesNote((await exploreAnswer(outcome, { roots, cwd })).unverified));
    return outcome.reason === 'done' ? 0 : outcome.reason === 'cancelled' ? 130 : 1;
  } finally {
    process.off('SIGINT', stop);
    await model.dispose?.();
  }
}

async function prompt(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { ...ROOTS_OPTION, 'system-prompt': { type: 'string' } },
  });
  const question = positionals.join(' ').trim();
  if (!question) throw new UsageError('prompt needs a question, e.g. locooperator prompt "Where is the configuration loaded?"');
  const roots = rootsOption(values.cwd);
  const messages = openingMessages(
    { cwd: roots[0], tools: createExplorerTools(), systemPromptVariant: systemPromptVariant(values['system-prompt']) },
    questionTask(question, { roots }),
  );
  process.stdout.write(promptText(renderPrompt(messages)));
  return 0;
}

function systemPromptVariant(value: string | undefined): SystemPromptVariant {
  if (value === undefined || value === 'trained') return 'trained';
  if (value === 'tool-list') return 'toolList';
  throw new UsageError(`--system-prompt must be trained or tool-list, not "${value}".`);
}

async function tool(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: ROOTS_OPTION });
  const [name, json = '{}'] = positionals;
  if (!name) throw new UsageError(`tool needs a tool name, e.g. locooperator tool Read '{"file_path": "/abs/path"}'`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (error) {
    throw new UsageError(`The arguments are not valid JSON: ${(error as Error).message}`);
  }
  const roots = rootsOption(values.cwd);
  const tools = createExplorerTools();
  const selected = tools.get(name);
  const result = selected
    ? await selected.run(parsed, { cwd: roots[0], roots, searchesAllRoots: true, signal: new AbortController().signal })
    : unknownToolResult(name);
  process.stdout.write(`${result.output}\n`);
  return result.status === 'done' ? 0 : 1;
}

// A reader that goes away (`| head`) is not an error worth a stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`locooperator: ${errorMessage(error)}\n`);
    process.exitCode = error instanceof UsageError ? 2 : 1;
  },
);
