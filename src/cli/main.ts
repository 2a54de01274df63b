import { createEventSink } from '../agent/events';
import { DEFAULT_MAX_TURNS, openingMessages, runAgent } from '../agent/loop';
import { renderPrompt, type SystemPromptVariant } from '../agent/prompt';
import { promptText } from '../protocol/prompt';
import { questionTask } from '../app/taskPrompts';
import { unknownToolResult } from '../tools/defineTool';
import { createExplorerTools } from '../tools/registry';
import { downloadUsage, runDownloadCommand } from './download';
import { createEventPrinter, unverifiedReferencesNote } from './eventPrinter';
import { exploreAnswer } from '../app/exploreReport';
import { checkModelChoice, MODEL_CHOICE_HELP, MODEL_CHOICE_OPTIONS, openChosenModel } from './modelChoice';
import { positiveInt, UsageError } from './usageError';
import { ROOTS_OPTION, rootsOption } from './rootsOption';
import { MCP_USAGE, runMcpCommand } from './mcpCommand';
import { parseCommandLine } from './commandLine';
import { errorMessage } from '../protocol/errorMessage';

const USAGE = `LocoOperator: explore a codebase with a small model that runs on your machine.

Usage:
  locooperator ask "QUESTION" [--cwd DIR]... [model options] [--max-turns N] [--json]
  locooperator prompt "QUESTION" [--cwd DIR]... [--system-prompt trained|tool-list]
  locooperator tool NAME 'JSON-ARGS' [--cwd DIR]...
  locooperator download [--variant QUANT] [--dir DIR]
  locooperator mcp [--cwd DIR]... [model options]

ask        answers QUESTION about the code in DIR, printing the tool calls and the report
prompt     prints the exact first prompt the model would receive for QUESTION
tool       runs one tool call and prints exactly the text the model would see
download   downloads LocoOperator-4B (GGUF) for --model
mcp        serves an MCP "explore" tool on stdin/stdout for other agents

"locooperator COMMAND --help" lists a command's options.
`;

const ROOTS_HELP = `  --cwd DIR              the folder to explore (default: the current one); repeat it for a
                         workspace of several folders, the first the working directory
`;
const SYSTEM_PROMPT_HELP = `  --system-prompt P      trained (default), or tool-list: the trained prompt with a tool
                         list added, for evaluations
`;

const ASK_USAGE = `Usage: locooperator ask "QUESTION" [--cwd DIR]... [model options] [--max-turns N] [--json]
                        [--system-prompt trained|tool-list]

Answers QUESTION about the code in DIR, printing the tool calls and the report as they happen,
then the report's file references that do not check out, and why.

${ROOTS_HELP}  --max-turns N          at most N model turns (default ${DEFAULT_MAX_TURNS})
  --json                 one event per line (AgentEvent JSON) instead of text
${SYSTEM_PROMPT_HELP}${MODEL_CHOICE_HELP}`;

const PROMPT_USAGE = `Usage: locooperator prompt "QUESTION" [--cwd DIR]... [--system-prompt trained|tool-list]

Prints the exact first prompt the model would receive for QUESTION (ChatML, as rendered).

${ROOTS_HELP}${SYSTEM_PROMPT_HELP}`;

const TOOL_USAGE = `Usage: locooperator tool NAME 'JSON-ARGS' [--cwd DIR]...

Runs one tool call and prints exactly the text the model would see. The tools: ${[...createExplorerTools().keys()].join(', ')}.

${ROOTS_HELP}`;

const COMMAND_USAGE: Record<string, () => string> = {
  ask: () => ASK_USAGE,
  prompt: () => PROMPT_USAGE,
  tool: () => TOOL_USAGE,
  download: downloadUsage,
  mcp: () => MCP_USAGE,
};

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  // `locooperator ask --help` and the like: that command's usage, whatever else the line says.
  const usage = command === undefined ? undefined : COMMAND_USAGE[command];
  if (usage && (rest.includes('--help') || rest.includes('-h'))) {
    process.stdout.write(usage());
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
      process.stderr.write(`locooperator: there is no command "${command}"; the commands are ${Object.keys(COMMAND_USAGE).join(', ')} (see locooperator --help).\n`);
      return 2;
  }
}

async function ask(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine('ask', args, {
    ...ROOTS_OPTION,
    ...MODEL_CHOICE_OPTIONS,
    'max-turns': { type: 'string' },
    json: { type: 'boolean', default: false },
    'system-prompt': { type: 'string' },
  });
  const question = positionals.join(' ').trim();
  if (!question) throw new UsageError('ask needs a question, e.g. locooperator ask "Where is the configuration loaded?"');
  const choice = checkModelChoice(values);
  const roots = rootsOption(values.cwd);
  const [cwd] = roots;
  const maxTurns = positiveInt(values['max-turns'], '--max-turns') ?? DEFAULT_MAX_TURNS;
  const variant = systemPromptVariant(values['system-prompt']);

  const model = await openChosenModel(choice, cwd);

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
      systemPromptVariant: variant,
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
  const { values, positionals } = parseCommandLine('prompt', args, { ...ROOTS_OPTION, 'system-prompt': { type: 'string' } });
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
  const { values, positionals } = parseCommandLine('tool', args, ROOTS_OPTION);
  const [name, json = '{}', ...extra] = positionals;
  if (!name) throw new UsageError(`tool needs a tool name, e.g. locooperator tool Read '{"file_path": "/abs/path"}'`);
  if (extra.length > 0) throw new UsageError(`tool takes a name and one JSON argument; quote the JSON as one argument ('{"file_path": "/abs/path"}').`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (error) {
    throw new UsageError(`The arguments are not valid JSON: ${(error as Error).message}`);
  }
  const roots = rootsOption(values.cwd);
  const tools = createExplorerTools();
  const selected = tools.get(name);
  if (!selected) {
    // What the model would see, then what the person at the terminal can do about it.
    process.stdout.write(`${unknownToolResult(name).output}\n`);
    process.stderr.write(`locooperator: there is no tool "${name}"; the tools are ${[...tools.keys()].join(', ')}.\n`);
    return 2;
  }
  const result = await selected.run(parsed, { cwd: roots[0], roots, searchesAllRoots: true, signal: new AbortController().signal });
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
