import { checkGitArgs } from './gitPolicy';
import { type OptionSpec, parseOptions, pathOptionValues } from './options';
import { Refusal } from './refusal';

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

const writesFiles = 'it writes files and this tool is read-only';
const runsPrograms = 'it runs other programs and this tool is read-only';

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
  '-delete': 'it deletes files and this tool is read-only',
  '-exec': `${runsPrograms}; pipe the list into another command or use grep -r`,
  '-execdir': runsPrograms,
  '-ok': runsPrograms,
  '-okdir': runsPrograms,
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
    if (findPrimariesWithValue.has(arg)) {
      const value = args[++i];
      if (value === undefined) throw new Refusal(`find: ${arg} needs a value`);
      if (findPathPrimaries.has(arg)) paths.push(value);
      continue;
    }
    throw new Refusal(`find: ${arg} is not allowed here (use -name -iname -path -type -maxdepth -mindepth -size -mtime -newer -empty -prune -print -o -not)`);
  }
  return { paths };
}

/** `sed -n 'N,Mp' [file]`: printing a line range is the only sed the tool runs. */
function sedChecker(args: readonly string[]): CommandUse {
  const parsed = parseOptions('sed', args, {
    short: 'nE',
    shortValue: 'e',
    long: ['--quiet', '--silent'],
    dangerous: { '-i': writesFiles, '--in-place': writesFiles, '-f': 'scripts from files are not supported here' },
  });
  const scripts = parsed.values.filter((v) => v.name === '-e').map((v) => v.value);
  const operands = [...parsed.operands];
  if (scripts.length === 0 && operands.length > 0) scripts.push(operands.shift()!);
  const quiet = parsed.names.some((n) => ['-n', '--quiet', '--silent'].includes(n));
  const lineRange = /^\s*(\d+|\$)(\s*,\s*(\d+|\$))?\s*p\s*$/;
  if (!quiet || scripts.length !== 1 || !lineRange.test(scripts[0]!)) {
    throw new Refusal("sed is limited to printing line ranges: sed -n 'N,Mp' FILE (or use head/tail)");
  }
  return { paths: operands };
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
  git: (args) => checkGitArgs(args),
};

/** Common commands the tool does not run, with a reason that points the model somewhere useful. */
export const KNOWN_REFUSALS: Readonly<Record<string, string>> = {
  rm: 'deletes files', rmdir: 'deletes directories', mv: 'moves files', cp: 'copies files', ln: 'creates links',
  mkdir: 'creates directories', touch: 'modifies files', chmod: 'changes permissions', chown: 'changes owners',
  chgrp: 'changes groups', tee: 'writes files', dd: 'writes files', truncate: 'modifies files', install: 'writes files',
  shred: 'destroys files', unlink: 'deletes files', patch: 'modifies files', split: 'writes files',
  awk: 'awk can run programs and write files; use grep, cut or sort', gawk: 'awk can run programs and write files; use grep, cut or sort',
  xargs: 'it runs other commands; pass the files directly', env: 'it runs other commands', nohup: 'it runs other commands',
  timeout: 'it runs other commands; use the tool timeout argument', time: 'it runs other commands', nice: 'it runs other commands',
  exec: 'it replaces the shell', eval: 'it runs arbitrary code', source: 'it runs scripts', '.': 'it runs scripts',
  bash: 'it runs arbitrary code', sh: 'it runs arbitrary code', zsh: 'it runs arbitrary code', dash: 'it runs arbitrary code',
  python: 'interpreters are off', python3: 'interpreters are off', node: 'interpreters are off', perl: 'interpreters are off',
  ruby: 'interpreters are off', php: 'interpreters are off', lua: 'interpreters are off', deno: 'interpreters are off',
  curl: 'the network is off', wget: 'the network is off', nc: 'the network is off', ssh: 'the network is off',
  scp: 'the network is off', sudo: 'privilege changes are refused', su: 'privilege changes are refused',
  less: 'pagers wait for input; use head or sed -n', more: 'pagers wait for input; use head or sed -n',
  vi: 'editors are not available', vim: 'editors are not available', nano: 'editors are not available',
  kill: 'it signals processes', yes: 'it never ends', sleep: 'it only waits', export: 'variables are not allowed',
  set: 'shell options are not allowed', alias: 'aliases are not allowed', trap: 'traps are not allowed',
  npm: 'it runs scripts', make: 'it runs scripts', tar: 'archives can write files', unzip: 'archives can write files',
  sqlite3: 'databases can be written', jq: 'not available; use grep or cat', readlink: 'not available; use realpath or ls -l',
  which: 'not available: only the listed commands exist', type: 'not available', command: 'it runs other commands',
  builtin: 'it runs other commands', test: 'not available; use ls or find', '[': 'not available; use ls or find',
};
