import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './usageError';

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * `parseArgs` for one command, with every mistake a UsageError of one line that says what to do
 * (Node's own messages run to three lines and end the process with status 1). A negative number
 * after an option that takes a value is that value (`--max-turns -1`), so that it meets the
 * option's own check rather than being read as an unknown option.
 */
export function parseCommandLine<const T extends Options>(command: string, args: readonly string[], options: T, allowPositionals = true) {
  const joined: string[] = [];
  for (let index = 0; index < args.length; index++) {
    const arg = args[index]!;
    const next = args[index + 1];
    const name = /^--([^=]+)$/.exec(arg)?.[1];
    if (name !== undefined && options[name]?.type === 'string' && next !== undefined && /^-\d/.test(next)) {
      joined.push(`${arg}=${next}`);
      index++;
    } else {
      joined.push(arg);
    }
  }
  try {
    return parseArgs({ args: joined, options, allowPositionals, strict: true });
  } catch (error) {
    throw new UsageError(parseErrorMessage(command, error as NodeJS.ErrnoException));
  }
}

function parseErrorMessage(command: string, error: NodeJS.ErrnoException): string {
  const help = `see locooperator ${command} --help`;
  const option = /'(-{1,2}[^' ]+)/.exec(error.message)?.[1];
  switch (error.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `${command} has no option ${option}; ${help}.`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return /does not take an argument/.test(error.message) ? `${option} takes no value; ${help}.` : `${option} needs a value; ${help}.`;
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `${command} takes no arguments besides its options (${/'([^']*)'/.exec(error.message)?.[1] ?? 'an argument'} is extra); ${help}.`;
    default:
      return `${error.message.split('\n')[0]}; ${help}.`;
  }
}
