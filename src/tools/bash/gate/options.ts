import { Refusal } from './refusal';

/**
 * The options one command may take. Anything not listed is refused: a positive allowlist, so
 * an option we never thought about (GNU adds some every release) cannot write or execute.
 * Every rule that reads a command's options (the gate's policies, git's subcommands, the
 * translation of grep to ripgrep, the GNU layouts of the simulated commands) parses them here.
 */
export interface OptionSpec {
  /** Short options without a value, as one string of letters: 'alR'. */
  short?: string;
  /** Short options that take a value (`-n 5`, `-n5`). */
  shortValue?: string;
  /** Short options whose value is optional: attached only (`-M50%`), never the next argument. */
  shortOptional?: string;
  /** Long options without a value (`--recursive`). */
  long?: readonly string[];
  /** Long options that take a value (`--include=*.py`, `--include *.py`). */
  longValue?: readonly string[];
  /** Long options whose value is optional: after `=` only (`--stat=100`), never the next argument. */
  longOptional?: readonly string[];
  /** Options (short letter or long name) whose value names a file to read. */
  pathValues?: readonly string[];
  /** Accepts `-NUM` (head, tail). */
  numeric?: boolean;
  /** Options end at the first operand, which starts a program or command line of its own
   * (`xargs grep -l x`, `awk -F: PROGRAM FILE`), as getopt does with a leading `+`. */
  stopAtOperand?: boolean;
  /** Options known to write, execute or hang, with the reason; matched by exact name or by a
   * GNU-style abbreviation of a long name (`--out` for `--output`). */
  dangerous?: Readonly<Record<string, string>>;
  /** What a refusal of an unlisted option says instead of listing the allowed ones (git's lists run to hundreds). */
  allowedHint?: string;
}

export interface ParsedOption {
  /** The option as given, without its value (`-r`, `--include`); `-NUM` for a numeric option. */
  name: string;
  /** Its value; absent for a flag, and for an optional value not given. */
  value?: string;
  /** Where the value stands: the argv word that holds it, after `prefix` (`--file=`, `-f`, or nothing). */
  valueAt?: WordPosition;
}

/** Where an argument stands in argv, so that it can be replaced there (ArgumentPositions). */
export interface WordPosition {
  index: number;
  prefix: string;
}

export interface ParsedOptions {
  /** Options in the order given, each letter of a cluster (`-rn`) on its own. */
  options: ParsedOption[];
  /** Arguments that are not options, in order. */
  operands: string[];
  /** The argv index of each operand. */
  operandIndices: number[];
}

/** Splits argv by a spec the way getopt_long would, refusing any option the spec does not list. */
export function parseOptions(command: string, args: readonly string[], spec: OptionSpec): ParsedOptions {
  const parsed: ParsedOptions = { options: [], operands: [], operandIndices: [] };
  const operandsFrom = (start: number) => {
    for (let at = start; at < args.length; at++) {
      parsed.operands.push(args[at]!);
      parsed.operandIndices.push(at);
    }
  };
  const refuse = (name: string): never => {
    throw new Refusal(`${command}: option ${name} is not allowed here (${spec.allowedHint ?? allowedList(spec)})`);
  };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') {
      operandsFrom(i + 1);
      break;
    }
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = eq === -1 ? arg : arg.slice(0, eq);
      const attached = eq === -1 ? undefined : arg.slice(eq + 1);
      checkDangerous(command, name, spec);
      if (spec.long?.includes(name)) {
        if (attached !== undefined) throw new Refusal(`${command}: option ${name} takes no value`);
        parsed.options.push({ name });
      } else if (spec.longValue?.includes(name)) {
        const valueAt = attached === undefined ? { index: i + 1, prefix: '' } : { index: i, prefix: `${name}=` };
        parsed.options.push({ name, value: attached ?? requiredValue(command, name, args[++i]), valueAt });
      } else if (spec.longOptional?.includes(name)) {
        parsed.options.push(attached === undefined ? { name } : { name, value: attached, valueAt: { index: i, prefix: `${name}=` } });
      } else {
        refuse(name);
      }
      continue;
    }
    if (arg.startsWith('-') && arg.length > 1) {
      if (spec.numeric && /^-\d+$/.test(arg)) {
        parsed.options.push({ name: '-NUM', value: arg.slice(1) });
        continue;
      }
      // A cluster: letters until one that takes a value, which takes the rest of the word.
      for (let j = 1; j < arg.length; j++) {
        const letter = arg[j]!;
        const name = `-${letter}`;
        const rest = arg.slice(j + 1);
        checkDangerous(command, name, spec);
        if (spec.short?.includes(letter)) {
          parsed.options.push({ name });
          continue;
        }
        if (spec.shortValue?.includes(letter)) {
          const valueAt = rest !== '' ? { index: i, prefix: arg.slice(0, j + 1) } : { index: i + 1, prefix: '' };
          parsed.options.push({ name, value: rest !== '' ? rest : requiredValue(command, name, args[++i]), valueAt });
        } else if (spec.shortOptional?.includes(letter)) {
          parsed.options.push(rest === '' ? { name } : { name, value: rest, valueAt: { index: i, prefix: arg.slice(0, j + 1) } });
        } else {
          refuse(name);
        }
        break;
      }
      continue;
    }
    if (spec.stopAtOperand) {
      operandsFrom(i);
      break;
    }
    parsed.operands.push(arg);
    parsed.operandIndices.push(i);
  }
  return parsed;
}

function requiredValue(command: string, name: string, value: string | undefined): string {
  if (value === undefined) throw new Refusal(`${command}: option ${name} needs a value`);
  return value;
}

function checkDangerous(command: string, name: string, spec: OptionSpec): void {
  for (const [bad, reason] of Object.entries(spec.dangerous ?? {})) {
    const abbreviates = name.startsWith('--') && name.length >= 3 && bad.startsWith(name);
    if (name === bad || abbreviates) throw new Refusal(`${command} ${name} is refused: ${reason}`);
  }
}

function allowedList(spec: OptionSpec): string {
  const shorts = [...(spec.short ?? ''), ...(spec.shortValue ?? ''), ...(spec.shortOptional ?? '')].map((c) => `-${c}`);
  const longs = [...(spec.long ?? []), ...(spec.longValue ?? []), ...(spec.longOptional ?? [])];
  const all = [...shorts, ...longs];
  return all.length === 0 ? 'it takes no options' : `allowed: ${all.join(' ')}`;
}

/** Whether any of these options was given. */
export function hasOption(parsed: ParsedOptions, ...names: string[]): boolean {
  return parsed.options.some((option) => names.includes(option.name));
}

/** The values given to these options, in order. */
export function optionValues(parsed: ParsedOptions, ...names: string[]): string[] {
  return parsed.options.flatMap((option) => (names.includes(option.name) && option.value !== undefined ? [option.value] : []));
}

/** The options as argv words again (values apart or after `=`), to hand to the command itself. */
export function optionArgs(parsed: ParsedOptions): string[] {
  return parsed.options.flatMap(({ name, value }) => {
    if (name === '-NUM') return [`-${value}`];
    if (value === undefined) return [name];
    return name.startsWith('--') ? [`${name}=${value}`] : [name, value];
  });
}

/** Values of the options in `pathValues`: files the command will open. */
export function pathOptionValues(parsed: ParsedOptions, spec: OptionSpec): string[] {
  return optionValues(parsed, ...(spec.pathValues ?? []));
}
