import type { CommandUse } from './commandUse';
import { optionValues, parseOptions } from './options';
import { Refusal } from './refusal';

/**
 * `awk [-F FS] [-v VAR=VALUE]... 'PROGRAM' [FILE | VAR=VALUE]...`, for programs that only read
 * their input and print to standard output. awk can run commands (`system`, `print | "cmd"`,
 * `"cmd" | getline`), write files (`print > "f"`), read any file (`getline < "f"`) and, in gawk,
 * call functions by name (`@f()`) or load extensions (`@load`). The program is tokenized the way
 * awk reads it (strings, regex literals, comments), so no spelling of those hides in a string
 * and none is assembled from pieces: awk has no way to call a function named by a string.
 */
export function awkChecker(args: readonly string[]): CommandUse {
  const parsed = parseOptions('awk', args, {
    shortValue: 'Fv',
    stopAtOperand: true,
    dangerous: {
      '-f': 'program files are not supported here; write the program inline',
      '--file': 'program files are not supported here; write the program inline',
    },
  });
  for (const value of optionValues(parsed, '-v')) {
    if (!ASSIGNMENT.test(value)) throw new Refusal(`awk -v needs NAME=VALUE, not ${value}`);
  }
  const [program, ...operands] = parsed.operands;
  if (program === undefined) throw new Refusal("awk needs a program, e.g. awk '{print $1}' FILE");
  checkAwkProgram(program);
  // An operand NAME=VALUE is an assignment, not a file.
  return { paths: operands.filter((operand) => !ASSIGNMENT.test(operand)) };
}

const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;

/** Names that run commands, read files or the environment; each with what to do instead. */
const REFUSED_NAMES: Readonly<Record<string, string>> = {
  system: 'awk system() runs commands',
  getline: 'awk getline reads files and command output; let awk read its input files',
  ENVIRON: 'awk ENVIRON reads the environment',
  PROCINFO: 'awk PROCINFO reads process information',
};

type Token = { kind: 'name' | 'number' | 'string' | 'regex' | 'op'; text: string };

export function checkAwkProgram(program: string): void {
  let parens = 0;
  // Inside `print`/`printf`, a `>` outside parentheses is output redirection, not a comparison.
  let printParens: number | undefined;
  for (const token of awkTokens(program)) {
    if (token.kind === 'name') {
      const why = REFUSED_NAMES[token.text];
      if (why) throw new Refusal(`${why}; this tool only prints to standard output`);
      if (token.text === 'print' || token.text === 'printf') printParens = parens;
      continue;
    }
    if (token.kind !== 'op') continue;
    switch (token.text) {
      case '(':
        parens++;
        break;
      case ')':
        parens--;
        break;
      case ';':
      case '{':
      case '}':
      case '\n':
        printParens = undefined;
        break;
      case '|':
        throw new Refusal('awk pipes (print | "cmd", "cmd" | getline) run commands; pipe awk\'s output into the next command instead');
      case '>>':
        throw new Refusal('awk output redirection (> and >>) writes files; this tool only prints to standard output');
      case '>':
        if (printParens !== undefined && parens <= printParens) {
          throw new Refusal('awk output redirection (> and >>) writes files; this tool only prints to standard output (put a comparison in parentheses)');
        }
        break;
      case '@':
        throw new Refusal('gawk @ directives and indirect calls are not supported here');
    }
  }
}

/** The simulated awk's two-character operators, which it reads greedily as we do. */
const OPERATORS = ['++', '+=', '--', '-=', '**', '*=', '/=', '%=', '^=', '==', '!=', '!~', '<=', '>=', '>>', '&&', '||'];

/** Splits an awk program into tokens; a `/` starts a regex where an operand is expected. */
function* awkTokens(program: string): Generator<Token> {
  let i = 0;
  let previous: Token | undefined;
  const emit = (token: Token): Token => (previous = token);
  while (i < program.length) {
    const c = program[i]!;
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
    } else if (c === '#') {
      while (i < program.length && program[i] !== '\n') i++;
    } else if (c === '"') {
      const end = closing(program, i, '"');
      yield emit({ kind: 'string', text: program.slice(i, end) });
      i = end;
    } else if (c === '/' && regexAllowed(previous)) {
      const end = closing(program, i, '/');
      yield emit({ kind: 'regex', text: program.slice(i, end) });
      i = end;
    } else if (/[A-Za-z_]/.test(c)) {
      const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(program.slice(i))![0];
      yield emit({ kind: 'name', text: name });
      i += name.length;
    } else if (/[0-9.]/.test(c) && /^\.?[0-9]/.test(program.slice(i, i + 2))) {
      const number = /^[0-9]*(?:\.[0-9]+)?(?:[eE][+-]?[0-9]*)?/.exec(program.slice(i))![0];
      yield emit({ kind: 'number', text: number });
      i += number.length;
    } else {
      const op = OPERATORS.find((candidate) => program.startsWith(candidate, i)) ?? c;
      yield emit({ kind: 'op', text: op });
      i += op.length;
    }
  }
}

/**
 * Where the simulated awk (which runs the program) reads a `/` as the start of a regex: after
 * these operators and keywords, and nowhere else. Both must agree, or a regex here could hide
 * code there.
 */
const REGEX_AFTER_OPS = new Set(['\n', ';', '{', '}', '(', '[', ',', '=', '+=', '-=', '*=', '/=', '%=', '^=', '&&', '||', '!', '~', '!~', '?', ':', '<', '>', '<=', '>=', '==', '!=', '+', '-', '*', '%', '^', '**']);
const REGEX_AFTER_NAMES = new Set(['print', 'printf', 'if', 'while', 'do', 'for', 'return']);

function regexAllowed(previous: Token | undefined): boolean {
  if (previous === undefined) return true;
  if (previous.kind === 'op') return REGEX_AFTER_OPS.has(previous.text);
  return previous.kind === 'name' && REGEX_AFTER_NAMES.has(previous.text);
}

/**
 * Index just past the closing quote or slash; a backslash escapes the next character. Like the
 * simulated awk, a regex ends at the first unescaped `/`, even inside `[…]`.
 */
function closing(program: string, start: number, quote: '"' | '/'): number {
  let i = start + 1;
  while (i < program.length) {
    const c = program[i]!;
    if (c === '\\') {
      i += 2;
      continue;
    }
    if (c === '\n') break;
    if (c === quote) return i + 1;
    i++;
  }
  throw new Refusal(`awk program has an unterminated ${quote === '"' ? 'string' : 'regular expression'}`);
}
