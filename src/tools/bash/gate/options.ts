import { Refusal } from './refusal';

/**
 * The options one command may take. Anything not listed is refused: a positive allowlist, so
 * an option we never thought about (GNU adds some every release) cannot write or execute.
 */
export interface OptionSpec {
  /** Short options without a value, as one string of letters: 'alR'. */
  short?: string;
  /** Short options that take a value (`-n 5`, `-n5`). */
  shortValue?: string;
  /** Long options without a value (`--recursive`). */
  long?: readonly string[];
  /** Long options that take a value (`--include=*.py`, `--include *.py`). */
  longValue?: readonly string[];
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
}

export interface ParsedOptions {
  /** Option names as given, without values (`-r`, `--include`). */
  names: string[];
  /** Values of options, keyed by canonical name. */
  values: Array<{ name: string; value: string }>;
  /** Arguments that are not options, in order. */
  operands: string[];
}

/** Splits argv by a spec the way getopt_long would, refusing any option the spec does not list. */
export function parseOptions(command: string, args: readonly string[], spec: OptionSpec): ParsedOptions {
  const parsed: ParsedOptions = { names: [], values: [], operands: [] };
  const shortPlain = spec.short ?? '';
  const shortValue = spec.shortValue ?? '';
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') {
      parsed.operands.push(...args.slice(i + 1));
      break;
    }
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = eq === -1 ? arg : arg.slice(0, eq);
      checkDangerous(command, name, spec);
      if (spec.long?.includes(name)) {
        if (eq !== -1) throw new Refusal(`${command}: option ${name} takes no value`);
        parsed.names.push(name);
      } else if (spec.longValue?.includes(name)) {
        let value: string | undefined = eq === -1 ? args[++i] : arg.slice(eq + 1);
        if (value === undefined) throw new Refusal(`${command}: option ${name} needs a value`);
        parsed.names.push(name);
        parsed.values.push({ name, value });
      } else {
        throw new Refusal(`${command}: option ${name} is not allowed here (${allowedList(spec)})`);
      }
      continue;
    }
    if (arg.startsWith('-') && arg.length > 1) {
      if (spec.numeric && /^-\d+$/.test(arg)) {
        parsed.names.push('-NUM');
        parsed.values.push({ name: '-NUM', value: arg.slice(1) });
        continue;
      }
      for (let j = 1; j < arg.length; j++) {
        const letter = arg[j]!;
        const name = `-${letter}`;
        checkDangerous(command, name, spec);
        if (shortPlain.includes(letter)) {
          parsed.names.push(name);
        } else if (shortValue.includes(letter)) {
          const rest = arg.slice(j + 1);
          const value = rest !== '' ? rest : args[++i];
          if (value === undefined) throw new Refusal(`${command}: option ${name} needs a value`);
          parsed.names.push(name);
          parsed.values.push({ name, value });
          break;
        } else {
          throw new Refusal(`${command}: option ${name} is not allowed here (${allowedList(spec)})`);
        }
      }
      continue;
    }
    if (spec.stopAtOperand) {
      parsed.operands.push(...args.slice(i));
      break;
    }
    parsed.operands.push(arg);
  }
  return parsed;
}

function checkDangerous(command: string, name: string, spec: OptionSpec): void {
  for (const [bad, reason] of Object.entries(spec.dangerous ?? {})) {
    const abbreviates = name.startsWith('--') && name.length >= 3 && bad.startsWith(name);
    if (name === bad || abbreviates) throw new Refusal(`${command} ${name} is refused: ${reason}`);
  }
}

function allowedList(spec: OptionSpec): string {
  const shorts = [...(spec.short ?? ''), ...(spec.shortValue ?? '')].map((c) => `-${c}`);
  const longs = [...(spec.long ?? []), ...(spec.longValue ?? [])];
  const all = [...shorts, ...longs];
  return all.length === 0 ? 'it takes no options' : `allowed: ${all.join(' ')}`;
}

/** Values of the options in `pathValues`: files the command will open. */
export function pathOptionValues(parsed: ParsedOptions, spec: OptionSpec): string[] {
  return parsed.values.filter((v) => spec.pathValues?.includes(v.name)).map((v) => v.value);
}
