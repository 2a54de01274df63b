import { awkChecker } from './awkPolicy';
import { checkGitArgs } from './gitPolicy';
import { jqChecker } from './jqPolicy';
import { type OptionSpec, parseOptions, pathOptionValues } from './options';
import { Refusal } from './refusal';
import { sedChecker } from './sedPolicy';

/** What the gate needs to know about one allowed command after its arguments were checked. */
export interface CommandUse {
  /** Arguments that name files or directories to read; each must stay inside the workspace. */
  paths: string[];
  /** `cd DIR`: later commands resolve relative paths from DIR. */
  changesDirectoryTo?: string;
}

type Checker = (args: readonly string[]) => CommandUse;

/** Every operand is a file to read. */
function filesCommand(name: string, spec: OptionSpec, maxOperands = Infinity): Checker {
  return (args) => {
    const parsed = parseOptions(name, args, spec);
    if (parsed.operands.length > maxOperands) {
      throw new Refusal(`${name} takes at most ${maxOperands} file operand${maxOperands === 1 ? '' : 's'} here`);
    }
    return { paths: [...parsed.operands, ...pathOptionValues(parsed, spec)] };
  };
}

/** Operands are plain strings, never opened. */
function textCommand(name: string, spec: OptionSpec): Checker {
  return (args) => {
    parseOptions(name, args, spec);
    return { paths: [] };
  };
}

const writesFiles = 'it writes files';
const runsPrograms = 'it runs other programs';

const grepSpec: OptionSpec = {
  short: 'rRniIlLcvwxhHoqsFEGPazZUT',
  shortValue: 'efABCmd',
  numeric: true,
  long: [
    '--recursive', '--dereference-recursive', '--line-number', '--ignore-case', '--no-ignore-case',
    '--files-with-matches', '--files-without-match', '--count', '--invert-match', '--word-regexp',
    '--line-regexp', '--no-filename', '--with-filename', '--only-matching', '--quiet', '--silent',
    '--no-messages', '--fixed-strings', '--extended-regexp', '--basic-regexp', '--perl-regexp', '--text',
    '--null', '--null-data', '--byte-offset', '--initial-tab',
  ],
  longValue: [
    '--include', '--exclude', '--exclude-dir', '--regexp', '--file', '--after-context', '--before-context',
    '--context', '--max-count', '--color', '--colour', '--exclude-from', '--binary-files', '--directories',
    '--devices', '--label',
  ],
  pathValues: ['-f', '--file', '--exclude-from'],
};

function grepChecker(args: readonly string[]): CommandUse {
  const parsed = parseOptions('grep', args, grepSpec);
  const patternGiven = parsed.values.some((v) => ['-e', '-f', '--regexp', '--file'].includes(v.name));
  const operands = patternGiven ? parsed.operands : parsed.operands.slice(1);
  if (!patternGiven && parsed.operands.length === 0) throw new Refusal('grep: give a pattern, e.g. grep -rn PATTERN DIR');
  return { paths: [...operands, ...pathOptionValues(parsed, grepSpec)] };
}

const rgSpec: OptionSpec = {
  short: 'nNilcvwxHoqsFSuUI0',
  shortValue: 'egtTABCmdfM',
  long: [
    '--line-number', '--no-line-number', '--ignore-case', '--case-sensitive', '--smart-case',
    '--files-with-matches', '--files-without-match', '--count', '--count-matches', '--invert-match',
    '--word-regexp', '--line-regexp', '--with-filename', '--no-filename', '--only-matching', '--quiet',
    '--fixed-strings', '--hidden', '--no-ignore', '--no-ignore-vcs', '--files', '--heading', '--no-heading',
    '--multiline', '--no-messages', '--null', '--column', '--vimgrep', '--json', '--text', '--unrestricted',
    '--type-list', '--no-config', '--stats', '--trim', '--passthru', '--byte-offset', '--no-ignore-dot',
    '--no-ignore-parent', '--no-ignore-global', '--no-unicode',
  ],
  longValue: [
    '--regexp', '--glob', '--iglob', '--type', '--type-not', '--after-context', '--before-context',
    '--context', '--max-count', '--max-depth', '--max-columns', '--sort', '--sortr',
    '--file', '--max-filesize', '--replace', '--encoding', '--context-separator', '--field-match-separator',
    '--ignore-file', '--path-separator',
  ],
  pathValues: ['-f', '--file', '--ignore-file'],
  dangerous: {
    '--pre': runsPrograms,
    '--pre-glob': runsPrograms,
    '--search-zip': runsPrograms,
    '-z': runsPrograms,
    '--hostname-bin': runsPrograms,
    '--follow': 'following symbolic links could leave the workspace',
    '-L': 'following symbolic links could leave the workspace',
    '--type-add': 'custom file types are not supported here',
  },
};

function rgChecker(args: readonly string[]): CommandUse {
  const parsed = parseOptions('rg', args, rgSpec);
  const listsFiles = parsed.names.includes('--files') || parsed.names.includes('--type-list');
  const patternGiven = listsFiles || parsed.values.some((v) => ['-e', '-f', '--regexp', '--file'].includes(v.name));
  if (!patternGiven && parsed.operands.length === 0) throw new Refusal('rg: give a pattern, e.g. rg -n PATTERN DIR');
  const operands = patternGiven ? parsed.operands : parsed.operands.slice(1);
  return { paths: [...operands, ...pathOptionValues(parsed, rgSpec)] };
}

/** `find PATHS EXPRESSION`: the expression is a small language, checked primary by primary. */
const findPrimaries = new Set([
  '-print', '-print0', '-prune', '-empty', '-true', '-false', '-o', '-a', '-or', '-and', '-not', '!', '(', ')',
  ',', '-depth', '-readable', '-writable', '-executable', '-nowarn', '-warn', '-ignore_readdir_race',
  '-xdev', '-mount', '-noleaf', '-d', '-ls',
]);
const findPrimariesWithValue = new Set([
  '-name', '-iname', '-path', '-ipath', '-wholename', '-iwholename', '-regex', '-iregex', '-type', '-xtype',
  '-maxdepth', '-mindepth', '-size', '-mtime', '-mmin', '-atime', '-amin', '-ctime', '-cmin', '-perm',
  '-user', '-group', '-uid', '-gid', '-links', '-inum', '-printf', '-lname', '-ilname',
  '-samefile', '-newer', '-anewer', '-cnewer', '-used',
]);
const findPathPrimaries = new Set(['-samefile', '-newer', '-anewer', '-cnewer']);
const findDangerous: Record<string, string> = {
  '-delete': 'it deletes files',
  '-execdir': `${runsPrograms}; use -exec with a listed command, e.g. -exec grep -l PATTERN {} +`,
  '-ok': 'it asks for confirmation on a terminal; use -exec with a listed command',
  '-okdir': 'it asks for confirmation on a terminal; use -exec with a listed command',
  '-fprint': writesFiles,
  '-fprint0': writesFiles,
  '-fprintf': writesFiles,
  '-fls': writesFiles,
  '-L': 'following symbolic links could leave the workspace',
  '-H': 'following symbolic links could leave the workspace',
  '-follow': 'following symbolic links could leave the workspace',
  '-files0-from': 'reading paths from a file is not supported here',
};

function findChecker(args: readonly string[]): CommandUse {
  const paths: string[] = [];
  let i = 0;
  for (; i < args.length; i++) {
    const arg = args[i]!;
    if (arg in findDangerous) throw new Refusal(`find ${arg} is refused: ${findDangerous[arg]}`);
    if (arg.startsWith('-') || arg === '!' || arg === '(') break;
    paths.push(arg);
  }
  for (; i < args.length; i++) {
    const arg = args[i]!;
    if (arg in findDangerous) throw new Refusal(`find ${arg} is refused: ${findDangerous[arg]}`);
    if (findPrimaries.has(arg)) continue;
    if (arg === '-exec') {
      // `-exec COMMAND ARGS… ;` once per file, or `-exec COMMAND ARGS… {} +` with many files;
      // {} stands for paths that find lists, which the command checks again when it runs.
      const end = args.findIndex((word, at) => at > i && (word === ';' || (word === '+' && args[at - 1] === '{}')));
      if (end === -1) throw new Refusal("find -exec needs a closing ';' or {} +, e.g. find . -name '*.py' -exec wc -l {} +");
      paths.push(...checkNestedCommand('find -exec', args.slice(i + 1, end)));
      i = end;
      continue;
    }
    if (findPrimariesWithValue.has(arg)) {
      const value = args[++i];
      if (value === undefined) throw new Refusal(`find: ${arg} needs a value`);
      if (findPathPrimaries.has(arg)) paths.push(value);
      continue;
    }
    throw new Refusal(`find: ${arg} is not allowed here (use -name -iname -path -type -maxdepth -mindepth -size -mtime -newer -empty -prune -print -o -not -exec)`);
  }
  return { paths };
}

/**
 * The command that `xargs` or `find -exec` runs: a listed command, checked with the arguments
 * written on the line. Those it adds at run time (names from standard input, found paths) are
 * checked when it runs: every command the simulated shell runs passes the policy again.
 */
function checkNestedCommand(runner: string, argv: readonly string[]): string[] {
  const [name, ...args] = argv;
  if (name === undefined) throw new Refusal(`${runner} needs a command to run`);
  const check = commandCheck(name);
  if (check === undefined || NOT_NESTED.has(name)) {
    throw new Refusal(`${runner} can run only the listed commands (not \`${name}\`), e.g. ${runner} grep -l PATTERN`);
  }
  return check(args).paths;
}

/** Shell built-ins, which no separate program can run, and runners of runners. */
const NOT_NESTED = new Set(['cd', 'xargs']);

export const xargsSpec: OptionSpec = {
  short: '0rt',
  shortValue: 'nId',
  long: ['--null', '--no-run-if-empty', '--verbose'],
  longValue: ['--max-args', '--replace', '--delimiter'],
  stopAtOperand: true,
  dangerous: {
    '-a': 'reading arguments from a file is not supported here; pipe the list in',
    '--arg-file': 'reading arguments from a file is not supported here; pipe the list in',
    '-p': 'it asks for confirmation on a terminal',
    '--interactive': 'it asks for confirmation on a terminal',
    '-o': 'it gives the command the terminal',
    '--open-tty': 'it gives the command the terminal',
  },
};

/** `xargs [-0rt] [-n N] [-I R] [-d D] COMMAND ARGS…`; the command defaults to echo. */
export function xargsChecker(args: readonly string[]): CommandUse {
  const parsed = parseOptions('xargs', args, xargsSpec);
  const replace = parsed.values.find((v) => v.name === '-I' || v.name === '--replace')?.value;
  const argv = parsed.operands.length === 0 ? ['echo'] : parsed.operands;
  // With -I, xargs puts each input line wherever the string appears, command name included.
  if (replace !== undefined && (replace === '' || argv[0]!.includes(replace))) {
    throw new Refusal('xargs -I: the replacement string must not appear in the command name');
  }
  return { paths: checkNestedCommand('xargs', argv) };
}

/** `which NAME…`: answers for the listed commands only. */
function whichChecker(args: readonly string[]): CommandUse {
  const parsed = parseOptions('which', args, { short: 'a' });
  if (parsed.operands.some((name) => name.includes('/'))) throw new Refusal('which takes command names, not paths');
  return { paths: [] };
}

function cdChecker(args: readonly string[]): CommandUse {
  const parsed = parseOptions('cd', args, { short: 'LP' });
  if (parsed.operands.length !== 1) throw new Refusal('cd needs exactly one directory inside the workspace');
  const target = parsed.operands[0]!;
  if (target === '-') throw new Refusal('cd - is not supported; give the directory');
  return { paths: [target], changesDirectoryTo: target };
}

function printfChecker(args: readonly string[]): CommandUse {
  if (args[0] === '-v') throw new Refusal('printf -v assigns variables, which this tool does not allow');
  if (args.length === 0) throw new Refusal('printf needs a format');
  return { paths: [] };
}

const headTailSpec: OptionSpec = {
  short: 'qvz',
  shortValue: 'nc',
  numeric: true,
  long: ['--quiet', '--silent', '--verbose', '--zero-terminated'],
  longValue: ['--lines', '--bytes'],
};
const followNeverEnds = 'following a file never ends; read it with tail -n N instead';

const sortSpec: OptionSpec = {
  short: 'bdfgiMhnRrVcCsuz',
  shortValue: 'ktS',
  long: [
    '--ignore-leading-blanks', '--dictionary-order', '--ignore-case', '--general-numeric-sort',
    '--ignore-nonprinting', '--month-sort', '--human-numeric-sort', '--numeric-sort', '--random-sort',
    '--reverse', '--version-sort', '--check', '--stable', '--unique', '--zero-terminated',
  ],
  longValue: ['--key', '--field-separator', '--buffer-size', '--sort'],
  dangerous: {
    '-o': writesFiles,
    '--output': writesFiles,
    '-T': writesFiles,
    '--temporary-directory': writesFiles,
    '--compress-program': runsPrograms,
    '--files0-from': 'reading paths from a file is not supported here',
    '--random-source': 'reading a random source is not supported here',
    '--parallel': 'not supported here',
  },
};

/** The allowed commands, each with the check of its arguments. `git` has its own policy. */
export const COMMAND_CHECKS: Readonly<Record<string, Checker>> = {
  ls: filesCommand('ls', {
    short: 'aAlFhRrtSs1dipngGoUXvcuQm',
    shortValue: 'IwT',
    long: [
      '--all', '--almost-all', '--human-readable', '--classify', '--recursive', '--reverse', '--directory',
      '--group-directories-first', '--inode', '--size', '--numeric-uid-gid', '--no-group', '--literal',
      '--quote-name', '--full-time',
    ],
    longValue: ['--sort', '--ignore', '--hide', '--color', '--width', '--time-style', '--format', '--indicator-style', '--time'],
  }),
  cat: filesCommand('cat', {
    short: 'nbsAETvet',
    long: ['--number', '--number-nonblank', '--squeeze-blank', '--show-all', '--show-ends', '--show-tabs', '--show-nonprinting'],
  }),
  head: filesCommand('head', headTailSpec),
  tail: filesCommand('tail', {
    ...headTailSpec,
    dangerous: {
      '-f': followNeverEnds,
      '-F': followNeverEnds,
      '--follow': followNeverEnds,
      '--retry': followNeverEnds,
    },
  }),
  wc: filesCommand('wc', {
    short: 'lwcmL',
    long: ['--lines', '--words', '--bytes', '--chars', '--max-line-length'],
    dangerous: { '--files0-from': 'reading paths from a file is not supported here' },
  }),
  find: findChecker,
  grep: grepChecker,
  rg: rgChecker,
  tree: filesCommand('tree', {
    short: 'adfF',
    shortValue: 'LIP',
    long: ['--noreport', '--dirsfirst'],
    dangerous: { '-o': writesFiles, '-R': writesFiles, '--fromfile': 'reading paths from a file is not supported here' },
  }),
  file: filesCommand('file', {
    short: 'bihkLNz0',
    long: ['--brief', '--mime', '--mime-type', '--mime-encoding', '--keep-going', '--no-pad', '--dereference'],
    dangerous: {
      '-C': writesFiles,
      '--compile': writesFiles,
      '-f': 'reading paths from a file is not supported here',
      '--files-from': 'reading paths from a file is not supported here',
      '-m': 'custom magic files are not supported here',
      '--magic-file': 'custom magic files are not supported here',
    },
  }),
  stat: filesCommand('stat', {
    short: 'Lft',
    shortValue: 'c',
    long: ['--dereference', '--file-system', '--terse'],
    longValue: ['--format', '--printf'],
  }),
  du: filesCommand('du', {
    short: 'sahcbkmLlxD0',
    shortValue: 'dt',
    long: ['--summarize', '--all', '--human-readable', '--total', '--apparent-size', '--si', '--bytes', '--count-links', '--one-file-system'],
    longValue: ['--max-depth', '--threshold', '--exclude', '--block-size', '--time'],
    dangerous: { '--files0-from': 'reading paths from a file is not supported here', '-X': 'reading patterns from a file is not supported here', '--exclude-from': 'reading patterns from a file is not supported here' },
  }),
  sort: filesCommand('sort', sortSpec),
  uniq: filesCommand(
    'uniq',
    {
      short: 'cdDiuz',
      shortValue: 'fsw',
      long: ['--count', '--repeated', '--ignore-case', '--unique', '--zero-terminated'],
      longValue: ['--skip-fields', '--skip-chars', '--check-chars', '--all-repeated', '--group'],
    },
    // A second operand is an output file.
    1,
  ),
  // cut and comm: the options the simulated commands implement.
  cut: filesCommand('cut', { short: 's', shortValue: 'bcdf', long: ['--only-delimited'] }),
  tr: textCommand('tr', { short: 'cCdst', long: ['--complement', '--delete', '--squeeze-repeats', '--truncate-set1'] }),
  nl: filesCommand('nl', {
    short: 'p',
    shortValue: 'bdfhilnsvw',
    long: ['--no-renumber'],
    longValue: ['--body-numbering', '--section-delimiter', '--footer-numbering', '--header-numbering', '--line-increment', '--join-blank-lines', '--number-format', '--number-separator', '--starting-line-number', '--number-width'],
  }),
  basename: textCommand('basename', { short: 'az', shortValue: 's', long: ['--multiple', '--zero'], longValue: ['--suffix'] }),
  dirname: textCommand('dirname', { short: 'z', long: ['--zero'] }),
  realpath: filesCommand('realpath', { short: 'eqsz', long: ['--canonicalize-existing', '--quiet', '--strip', '--no-symlinks', '--zero'] }),
  pwd: filesCommand('pwd', { short: 'LP' }, 0),
  echo: () => ({ paths: [] }),
  printf: printfChecker,
  cd: cdChecker,
  // The options the simulated diff implements; the output is shaped like GNU's (gnuFormat.ts).
  diff: filesCommand('diff', { short: 'uqsi', long: ['--unified', '--brief', '--report-identical-files', '--ignore-case'] }, 2),
  comm: filesCommand('comm', { short: '123' }, 2),
  sed: sedChecker,
  awk: awkChecker,
  jq: jqChecker,
  xargs: xargsChecker,
  which: whichChecker,
  // Operands of true and false are ignored.
  true: () => ({ paths: [] }),
  false: () => ({ paths: [] }),
  git: (args) => checkGitArgs(args),
};

/** The check of an allowed command; names such as `constructor` are not commands. */
export function commandCheck(name: string): Checker | undefined {
  return Object.hasOwn(COMMAND_CHECKS, name) ? COMMAND_CHECKS[name] : undefined;
}

/** Common commands the tool does not run: what each does, for the refusal to say. */
export const KNOWN_REFUSALS: Readonly<Record<string, string>> = {
  rm: 'it deletes files', rmdir: 'it deletes directories', mv: 'it moves files', cp: 'it copies files', ln: 'it creates links',
  mkdir: 'it creates directories', touch: 'it modifies files', chmod: 'it changes permissions', chown: 'it changes owners',
  chgrp: 'it changes groups', tee: 'it writes files', dd: 'it writes files', truncate: 'it modifies files', install: 'it writes files',
  shred: 'it destroys files', unlink: 'it deletes files', patch: 'it modifies files', split: 'it writes files',
  gawk: 'use awk, which runs here without system(), pipes or redirection', mawk: 'use awk',
  env: 'it runs other commands', nohup: 'it runs other commands', timeout: 'use the tool timeout argument',
  time: 'the tool reports how long a command took', nice: 'it runs other commands',
  exec: 'it replaces the shell', eval: 'it runs arbitrary code', source: 'it runs scripts', '.': 'it runs scripts',
  bash: 'it runs arbitrary code', sh: 'it runs arbitrary code', zsh: 'it runs arbitrary code', dash: 'it runs arbitrary code',
  python: 'interpreters are off', python3: 'interpreters are off', node: 'interpreters are off', perl: 'interpreters are off',
  ruby: 'interpreters are off', php: 'interpreters are off', lua: 'interpreters are off', deno: 'interpreters are off',
  curl: 'the network is off', wget: 'the network is off', nc: 'the network is off', ssh: 'the network is off',
  scp: 'the network is off', sudo: 'privileges cannot change', su: 'privileges cannot change',
  less: 'pagers wait for input; use head or sed -n', more: 'pagers wait for input; use head or sed -n',
  vi: 'editors cannot run here', vim: 'editors cannot run here', nano: 'editors cannot run here',
  kill: 'it signals processes', yes: 'it never ends', sleep: 'it only waits', export: 'variables cannot be set',
  set: 'shell options cannot change', alias: 'aliases cannot be defined', trap: 'traps cannot be set',
  npm: 'it runs scripts', make: 'it runs scripts', tar: 'archives can write files', unzip: 'archives can write files',
  sqlite3: 'databases can be written', readlink: 'use realpath or ls -l', type: 'use which',
  command: 'it runs other commands', builtin: 'it runs other commands', test: 'use ls or find', '[': 'use ls or find',
};
