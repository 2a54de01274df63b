import { COMMAND_OPTIONS } from '../gate/commandOptions';
import { parseOptions, type ParsedOptions } from '../gate/options';
import { Refusal } from '../gate/refusal';

/**
 * Translates a recursive GNU `grep` invocation into ripgrep arguments that print the same
 * lines, or returns undefined when the two could disagree (then the simulated grep runs).
 * ripgrep is searched with --sort path, so lines come in path order where GNU grep uses
 * directory order; --binary and --no-ignore --hidden make it visit what grep visits.
 */
export function grepToRipgrep(args: readonly string[]): string[] | undefined {
  const parsed = grepOptions(args);
  if (parsed === undefined) return undefined;
  const rg = ['--color', 'never', '--no-ignore', '--hidden', '--binary', '--sort', 'path', '--no-heading'];
  const patterns: string[] = [];
  const operands = [...parsed.operands];
  let syntax = 'basic' as 'basic' | 'extended' | 'fixed' | 'perl';
  let recursive = false;
  let lineNumbers = false;
  let filenames = 'default' as 'default' | 'with' | 'without';
  let count = false;

  for (const { name, value = '' } of parsed.options) {
    const flag = FLAGS[name];
    switch (flag) {
      case undefined:
        break;
      case 'recursive':
        recursive = true;
        continue;
      case 'lineNumbers':
        lineNumbers = true;
        continue;
      case 'with':
      case 'without':
        filenames = flag;
        continue;
      case 'count':
        count = true;
        continue;
      case 'extended':
      case 'fixed':
      case 'perl':
      case 'basic':
        syntax = flag;
        continue;
      case 'skipBinary':
        continue;
      default:
        rg.push(flag);
        continue;
    }
    switch (name) {
      case '-e':
      case '--regexp':
        patterns.push(value);
        break;
      case '--include':
        rg.push('--glob', value);
        break;
      case '--exclude':
        rg.push('--glob', `!${value}`);
        break;
      case '--exclude-dir':
        rg.push('--glob', `!${value.replace(/\/+$/, '')}/`);
        break;
      case '-NUM':
        rg.push('--context', value);
        break;
      case '-A':
      case '-B':
      case '-C':
      case '-m':
      case '--max-count':
      case '--after-context':
      case '--before-context':
      case '--context':
        if (!/^\d+$/.test(value)) return undefined;
        rg.push(COUNTS[name] ?? name, value);
        break;
      case '--color':
      case '--colour':
        break;
      default:
        return undefined;
    }
  }

  if (!recursive) return undefined;
  if (patterns.length === 0) {
    const first = operands.shift();
    if (first === undefined) return undefined;
    patterns.push(first);
  }
  const translated: string[] = [];
  for (const pattern of patterns) {
    const regex = translatePattern(pattern, syntax);
    if (regex === undefined) return undefined;
    translated.push(regex);
  }
  if (syntax === 'fixed') rg.push('--fixed-strings');
  if (syntax === 'perl') rg.push('--pcre2');
  rg.push(lineNumbers ? '--line-number' : '--no-line-number');
  if (count) rg.push('--count', '--include-zero');
  // Both name files when searching a directory or several files, and not for one file.
  if (filenames === 'without') rg.push('--no-filename');
  if (filenames === 'with') rg.push('--with-filename');
  for (const pattern of translated) rg.push('--regexp', pattern);
  rg.push('--', ...operands.map(stripTrailingSlashes));
  return rg;
}

/** grep's options as the gate read them; undefined for a line the gate would refuse. */
function grepOptions(args: readonly string[]): ParsedOptions | undefined {
  try {
    return parseOptions('grep', args, COMMAND_OPTIONS.grep);
  } catch (error) {
    if (error instanceof Refusal) return undefined;
    throw error;
  }
}

type Flag = 'recursive' | 'lineNumbers' | 'with' | 'without' | 'count' | 'extended' | 'fixed' | 'perl' | 'basic' | 'skipBinary' | `--${string}`;

/**
 * What each grep flag becomes: a setting of the translation, or the ripgrep flag of the same
 * meaning. GNU grep's -R follows every symbolic link it meets: out of the workspace, and round a
 * `loop -> .` until the time runs out. Here it searches as -r does: ripgrep without -L follows
 * no link met on the walk, and links named on the command line were confined by the gate.
 */
const FLAGS: Readonly<Record<string, Flag>> = {
  '-r': 'recursive',
  '-R': 'recursive',
  '--recursive': 'recursive',
  '--dereference-recursive': 'recursive',
  '-n': 'lineNumbers',
  '--line-number': 'lineNumbers',
  '-H': 'with',
  '--with-filename': 'with',
  '-h': 'without',
  '--no-filename': 'without',
  '-c': 'count',
  '--count': 'count',
  '-E': 'extended',
  '--extended-regexp': 'extended',
  '-F': 'fixed',
  '--fixed-strings': 'fixed',
  '-P': 'perl',
  '--perl-regexp': 'perl',
  '-G': 'basic',
  '--basic-regexp': 'basic',
  '-I': 'skipBinary',
  '-i': '--ignore-case',
  '--ignore-case': '--ignore-case',
  '-v': '--invert-match',
  '--invert-match': '--invert-match',
  '-w': '--word-regexp',
  '--word-regexp': '--word-regexp',
  '-x': '--line-regexp',
  '--line-regexp': '--line-regexp',
  '-l': '--files-with-matches',
  '--files-with-matches': '--files-with-matches',
  '-L': '--files-without-match',
  '--files-without-match': '--files-without-match',
  '-o': '--only-matching',
  '--only-matching': '--only-matching',
  '-q': '--quiet',
  '--quiet': '--quiet',
  '--silent': '--quiet',
  '-s': '--no-messages',
  '--no-messages': '--no-messages',
  '-a': '--text',
  '--text': '--text',
};

/** grep's short counting options, by ripgrep's (and grep's) long name. */
const COUNTS: Readonly<Record<string, string>> = { '-A': '--after-context', '-B': '--before-context', '-C': '--context', '-m': '--max-count' };

/** A directory operand `src/` is printed by grep as `src/…`, by ripgrep as `src//…`. */
export function stripTrailingSlashes(operand: string): string {
  const stripped = operand.replace(/\/+$/, '');
  return stripped === '' ? operand : stripped;
}

/**
 * GNU basic/extended regular expressions in ripgrep's syntax, for the common subset where the
 * two agree; anything else (back-references, stray escapes, anchors mid-pattern) is undefined.
 */
export function translatePattern(pattern: string, syntax: 'basic' | 'extended' | 'fixed' | 'perl'): string | undefined {
  if (syntax === 'fixed' || syntax === 'perl') return pattern;
  const basic = syntax === 'basic';
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '[') {
      const end = bracketEnd(pattern, i);
      if (end === undefined) return undefined;
      const body = pattern.slice(i + 1, end);
      if (/&&|--|~~|\\/.test(body) || /\[(?!:[a-z]+:\])/.test(body)) return undefined;
      out += `[${body}]`;
      i = end;
      continue;
    }
    if (c === '\\') {
      const next = pattern[i + 1];
      if (next === undefined) return undefined;
      i++;
      if (basic && '(){}|+?'.includes(next)) out += next;
      else if ('.*[]\\^$/-'.includes(next) || (!basic && '(){}|+?'.includes(next))) out += `\\${next}`;
      else if ('wWsSbB'.includes(next)) out += `\\${next}`;
      else if (next === '<' || next === '>') out += '\\b';
      else return undefined;
      continue;
    }
    if (basic && '(){}|+?'.includes(c)) {
      out += `\\${c}`;
      continue;
    }
    if (c === '{' && !basic && !/^\{\d+(,\d*)?\}/.test(pattern.slice(i))) return undefined;
    if (c === '^' && !(i === 0 || atGroupStart(pattern, i, basic))) return undefined;
    if (c === '$' && !(i === pattern.length - 1 || atGroupEnd(pattern, i, basic))) return undefined;
    if (c === '*' && (i === 0 || atGroupStart(pattern, i, basic))) {
      out += '\\*';
      continue;
    }
    out += c;
  }
  return out;
}

function atGroupStart(pattern: string, index: number, basic: boolean): boolean {
  const before = pattern.slice(0, index);
  return basic ? /\\[(|]$/.test(before) : /[(|]$/.test(before) && !/\\[(|]$/.test(before);
}

function atGroupEnd(pattern: string, index: number, basic: boolean): boolean {
  const after = pattern.slice(index + 1);
  return basic ? /^\\[)|]/.test(after) : /^[)|]/.test(after);
}

/** Index of the `]` closing the bracket expression that opens at `start` (POSIX rules). */
function bracketEnd(pattern: string, start: number): number | undefined {
  let i = start + 1;
  if (pattern[i] === '^') i++;
  if (pattern[i] === ']') i++;
  for (; i < pattern.length; i++) {
    if (pattern[i] === '[' && pattern[i + 1] === ':') {
      const close = pattern.indexOf(':]', i + 2);
      if (close === -1) return undefined;
      i = close + 1;
      continue;
    }
    if (pattern[i] === ']') return i;
  }
  return undefined;
}

/**
 * Whether a grep command line asks to follow symbolic links (-R): the simulated grep would
 * follow them, so such a line is served by ripgrep or not at all. Errs towards yes (`-eR`).
 */
export function followsLinks(args: readonly string[]): boolean {
  const end = args.indexOf('--');
  return (end === -1 ? args : args.slice(0, end)).some((arg) => arg === '--dereference-recursive' || /^-[^-]*R/.test(arg));
}
