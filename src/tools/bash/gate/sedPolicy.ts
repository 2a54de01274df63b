import type { CommandUse } from './commandUse';
import { optionValues, parseOptions } from './options';
import { Refusal } from './refusal';

/**
 * `sed [-n] [-E] [-e SCRIPT]... [SCRIPT] [FILE]...` that prints to standard output. sed can
 * write files (`-i`, `w`, `W`, `s///w`), read any file (`r`, `R`) and run commands (`e`,
 * `s///e`), so each script is parsed command by command the way GNU sed reads it, and only
 * commands that edit the stream are accepted.
 */
export function sedChecker(args: readonly string[]): CommandUse {
  const parsed = parseOptions('sed', args, {
    short: 'nErs',
    shortValue: 'e',
    long: ['--quiet', '--silent', '--regexp-extended', '--separate', '--posix'],
    longValue: ['--expression'],
    dangerous: {
      '-i': writesFiles,
      '--in-place': writesFiles,
      '-f': 'script files are not supported here; pass the script with -e',
      '--file': 'script files are not supported here; pass the script with -e',
    },
  });
  const scripts = optionValues(parsed, '-e', '--expression');
  const operands = [...parsed.operands];
  if (scripts.length === 0) {
    if (operands.length === 0) throw new Refusal("sed needs a script, e.g. sed -n '1,20p' FILE or sed 's/old/new/g' FILE");
    scripts.push(operands.shift()!);
  }
  // GNU sed joins the -e scripts with newlines into one program.
  checkSedScript(scripts.join('\n'));
  return { paths: operands };
}

const writesFiles = 'it writes files; sed here prints its result to standard output';

/** Commands with no argument that only edit the pattern and hold spaces or print. */
const PLAIN_COMMANDS = new Set(['p', 'P', 'd', 'D', 'n', 'N', 'g', 'G', 'h', 'H', 'x', '=', 'z', 'F']);
/** Commands with an optional number (exit code, line length). */
const NUMBER_COMMANDS = new Set(['q', 'Q', 'l', 'L']);
const REFUSED_COMMANDS: Readonly<Record<string, string>> = {
  w: 'sed w writes files',
  W: 'sed W writes files',
  r: 'sed r reads other files; name them as operands instead',
  R: 'sed R reads other files; name them as operands instead',
  e: 'sed e runs commands',
  a: 'sed a, i and c (append, insert, change) are not supported here; use s/// instead',
  i: 'sed a, i and c (append, insert, change) are not supported here; use s/// instead',
  c: 'sed a, i and c (append, insert, change) are not supported here; use s/// instead',
};

/** Parses a sed program and refuses any command or flag that writes, reads files or runs commands. */
export function checkSedScript(script: string): void {
  const reader = new ScriptReader(script);
  let depth = 0;
  for (;;) {
    reader.skip(/[\s;]/);
    if (reader.done) break;
    if (reader.peek() === '#') {
      reader.skipLine();
      continue;
    }
    readAddress(reader);
    reader.skip(/[ \t]/);
    while (reader.peek() === '!') {
      reader.next();
      reader.skip(/[ \t]/);
    }
    const command = reader.next();
    if (command === undefined) throw new Refusal('sed script ends after an address; add a command such as p');
    if (command in REFUSED_COMMANDS) throw new Refusal(`${REFUSED_COMMANDS[command]}; this tool only prints to standard output`);
    if (command === '{') {
      depth++;
      continue;
    }
    if (command === '}') {
      if (--depth < 0) throw new Refusal('sed script has an unmatched }');
    } else if (command === 's') {
      const delimiter = readDelimiter(reader, 's');
      reader.until(delimiter);
      reader.until(delimiter);
      readSubstituteFlags(reader);
    } else if (command === 'y') {
      const delimiter = readDelimiter(reader, 'y');
      reader.until(delimiter);
      reader.until(delimiter);
    } else if (command === ':' || command === 'b' || command === 't' || command === 'T') {
      // Labels are plain words here, so that no reading of where one ends hides a command.
      reader.skip(/[ \t]/);
      reader.skip(/[\w.-]/);
    } else if (NUMBER_COMMANDS.has(command)) {
      reader.skip(/[ \t]/);
      reader.skip(/[0-9]/);
    } else if (command === 'v') {
      reader.skip(/[ \t]/);
      reader.skip(/[\w.]/);
    } else if (!PLAIN_COMMANDS.has(command)) {
      throw new Refusal(`sed command ${command} is not supported here (use p, d, s///, y///, q, n, N, =)`);
    }
    reader.skip(/[ \t]/);
    const after = reader.peek();
    if (after !== undefined && !/[;\n}#]/.test(after)) throw new Refusal(`sed: unexpected ${after} after the ${command} command`);
  }
  if (depth !== 0) throw new Refusal('sed script has an unmatched {');
}

/** `N`, `$`, `/re/`, `\cREc`, `first~step`, optionally `,` and a second address (`+N`, `~N`). */
function readAddress(reader: ScriptReader): void {
  const one = (second: boolean): boolean => {
    const c = reader.peek();
    if (c === undefined) return false;
    if (/[0-9]/.test(c)) {
      reader.skip(/[0-9]/);
      if (reader.peek() === '~') {
        reader.next();
        reader.skip(/[0-9]/);
      }
      return true;
    }
    if (second && (c === '+' || c === '~')) {
      reader.next();
      reader.skip(/[0-9]/);
      return true;
    }
    if (c === '$') {
      reader.next();
      return true;
    }
    if (c === '/' || c === '\\') {
      reader.next();
      const delimiter = c === '\\' ? readDelimiter(reader, 'address') : '/';
      reader.until(delimiter);
      reader.skip(/[IM]/);
      return true;
    }
    return false;
  };
  if (!one(false)) return;
  reader.skip(/[ \t]/);
  if (reader.peek() === ',') {
    reader.next();
    reader.skip(/[ \t]/);
    if (!one(true)) throw new Refusal('sed address range needs a second address');
  }
}

function readDelimiter(reader: ScriptReader, what: string): string {
  const delimiter = reader.next();
  if (delimiter === undefined || delimiter === '\n' || delimiter === '\\') throw new Refusal(`sed ${what} needs a delimiter such as /`);
  return delimiter;
}

/** `g`, `p`, `i`/`I`, `m`/`M`, a number; `w FILE` writes and `e` runs the result as a command. */
function readSubstituteFlags(reader: ScriptReader): void {
  for (;;) {
    const c = reader.peek();
    if (c === undefined || !/[gpiImM0-9ew]/.test(c)) return;
    if (c === 'w') throw new Refusal(`s///w ${writesFiles}`);
    if (c === 'e') throw new Refusal('s///e runs the result as a command; this tool only prints to standard output');
    reader.next();
  }
}

class ScriptReader {
  private at = 0;
  constructor(private readonly text: string) {}
  get done(): boolean {
    return this.at >= this.text.length;
  }
  peek(): string | undefined {
    return this.text[this.at];
  }
  next(): string | undefined {
    return this.text[this.at++];
  }
  skip(pattern: RegExp): void {
    while (!this.done && pattern.test(this.text[this.at]!)) this.at++;
  }
  skipLine(): void {
    this.skip(/[^\n]/);
  }
  /** Moves past the next unescaped `delimiter`; a backslash escapes any character, newline included. */
  until(delimiter: string): void {
    while (!this.done) {
      const c = this.text[this.at++]!;
      if (c === '\\') this.at++;
      else if (c === delimiter) return;
      else if (c === '\n') break;
    }
    throw new Refusal('sed script has an unterminated s, y or address; check the delimiters');
  }
}
