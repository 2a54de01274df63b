/**
 * Translates a recursive GNU `grep` invocation into ripgrep arguments that print the same
 * lines, or returns undefined when the two could disagree (then the simulated grep runs).
 * ripgrep is searched with --sort path, so lines come in path order where GNU grep uses
 * directory order; --binary and --no-ignore --hidden make it visit what grep visits.
 */
export function grepToRipgrep(args: readonly string[]): string[] | undefined {
  const rg = ['--color', 'never', '--no-ignore', '--hidden', '--binary', '--sort', 'path', '--no-heading'];
  const patterns: string[] = [];
  const operands: string[] = [];
  let syntax = 'basic' as 'basic' | 'extended' | 'fixed' | 'perl';
  let recursive = false;
  let lineNumbers = false;
  let filenames = 'default' as 'default' | 'with' | 'without';
  let count = false;
  const takeValue = (inline: string, i: number): [string, number] | undefined => {
    if (inline !== '') return [inline, i];
    const next = args[i + 1];
    return next === undefined ? undefined : [next, i + 1];
  };

  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') {
      operands.push(...args.slice(i + 1));
      break;
    }
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = eq === -1 ? arg : arg.slice(0, eq);
      const inline = eq === -1 ? '' : arg.slice(eq + 1);
      const flag = LONG_FLAGS[name];
      if (flag !== undefined) {
        if (eq !== -1) return undefined;
        const effect = applyFlag(flag);
        if (effect === undefined) return undefined;
        continue;
      }
      const valued = takeValue(inline, i);
      if (valued === undefined) return undefined;
      const [value, next] = valued;
      i = next;
      switch (name) {
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
        case '--max-count':
        case '--after-context':
        case '--before-context':
        case '--context':
          if (!/^\d+$/.test(value)) return undefined;
          rg.push(name, value);
          break;
        case '--color':
        case '--colour':
          break;
        default:
          return undefined;
      }
      continue;
    }
    if (arg.startsWith('-') && arg.length > 1) {
      if (/^-\d+$/.test(arg)) {
        rg.push('--context', arg.slice(1));
        continue;
      }
      for (let j = 1; j < arg.length; j++) {
        const letter = arg[j]!;
        if ('eABCm'.includes(letter)) {
          const valued = takeValue(arg.slice(j + 1), i);
          if (valued === undefined) return undefined;
          const [value, next] = valued;
          i = next;
          if (letter === 'e') patterns.push(value);
          else if (!/^\d+$/.test(value)) return undefined;
          else rg.push({ A: '--after-context', B: '--before-context', C: '--context', m: '--max-count' }[letter]!, value);
          break;
        }
        const flag = SHORT_FLAGS[letter];
        if (flag === undefined || applyFlag(flag) === undefined) return undefined;
      }
      continue;
    }
    operands.push(arg);
  }

  function applyFlag(flag: Flag): true | undefined {
    switch (flag) {
      case 'recursive':
        recursive = true;
        return true;
      case 'lineNumbers':
        lineNumbers = true;
        return true;
      case 'with':
      case 'without':
        filenames = flag;
        return true;
      case 'count':
        count = true;
        return true;
      case 'extended':
      case 'fixed':
      case 'perl':
      case 'basic':
        syntax = flag;
        return true;
      case 'skipBinary':
      case 'ignored':
        return true;
      default:
        rg.push(flag);
        return true;
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

type Flag = 'recursive' | 'lineNumbers' | 'with' | 'without' | 'count' | 'extended' | 'fixed' | 'perl' | 'basic' | 'skipBinary' | 'ignored' | `-${string}`;

/**
 * GNU grep's -R follows every symbolic link it meets: out of the workspace, and round a
 * `loop -> .` until the time runs out. Here it searches as -r does: ripgrep without -L follows
 * no link met on the walk, and links named on the command line were confined by the gate.
 */
const SHORT_FLAGS: Readonly<Record<string, Flag>> = {
  r: 'recursive',
  R: 'recursive',
  n: 'lineNumbers',
  H: 'with',
  h: 'without',
  c: 'count',
  E: 'extended',
  F: 'fixed',
  P: 'perl',
  G: 'basic',
  I: 'skipBinary',
  i: '--ignore-case',
  v: '--invert-match',
  w: '--word-regexp',
  x: '--line-regexp',
  l: '--files-with-matches',
  L: '--files-without-match',
  o: '--only-matching',
  q: '--quiet',
  s: '--no-messages',
  a: '--text',
};

const LONG_FLAGS: Readonly<Record<string, Flag>> = {
  '--recursive': 'recursive',
  '--dereference-recursive': 'recursive',
  '--line-number': 'lineNumbers',
  '--with-filename': 'with',
  '--no-filename': 'without',
  '--count': 'count',
  '--extended-regexp': 'extended',
  '--fixed-strings': 'fixed',
  '--perl-regexp': 'perl',
  '--basic-regexp': 'basic',
  '--ignore-case': '--ignore-case',
  '--invert-match': '--invert-match',
  '--word-regexp': '--word-regexp',
  '--line-regexp': '--line-regexp',
  '--files-with-matches': '--files-with-matches',
  '--files-without-match': '--files-without-match',
  '--only-matching': '--only-matching',
  '--quiet': '--quiet',
  '--silent': '--quiet',
  '--no-messages': '--no-messages',
  '--text': '--text',
};

/** A directory operand `src/` is printed by grep as `src/…`, by ripgrep as `src//…`. */
function stripTrailingSlashes(operand: string): string {
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
