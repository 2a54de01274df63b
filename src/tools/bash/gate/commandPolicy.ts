import { awkChecker } from './awkPolicy';
import { COMMAND_OPTIONS, runsPrograms, writesFiles } from './commandOptions';
import type { Checker, CommandUse } from './commandUse';
import { checkGitArgs } from './gitPolicy';
import { jqChecker } from './jqPolicy';
import { hasOption, optionValues, type OptionSpec, type ParsedOptions, parseOptions, pathOptionValues } from './options';
import { Refusal } from './refusal';
import { sedChecker } from './sedPolicy';

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

/**
 * `head -c N` reads N bytes of each file and no more; served from disk that way
 * (shell/prefixReads.ts), it may name a file larger than a command reads whole. N as GNU
 * writes it: digits with an optional size suffix.
 */
function headChecker(args: readonly string[]): CommandUse {
  const parsed = parseOptions('head', args, COMMAND_OPTIONS.head);
  // The last of -c, -n and -NUM decides what head counts.
  const counting = parsed.options.filter((option) => ['-c', '--bytes', '-n', '--lines', '-NUM'].includes(option.name)).at(-1);
  const bytes = counting?.name === '-c' || counting?.name === '--bytes' ? byteCount(counting.value ?? '') : undefined;
  return bytes === undefined ? { paths: parsed.operands } : { paths: parsed.operands, readsPrefix: bytes };
}

const SIZE_SUFFIXES: Readonly<Record<string, number>> = { '': 1, b: 512, kB: 1000, K: 1024, KiB: 1024, MB: 1000 ** 2, M: 1024 ** 2, MiB: 1024 ** 2, GB: 1000 ** 3, G: 1024 ** 3, GiB: 1024 ** 3 };

/** A byte count as head takes it (`100`, `4K`, `1MB`); undefined for any other form (`-100`: all but the last). */
export function byteCount(text: string): number | undefined {
  const match = /^(\d+)([a-zA-Z]*)$/.exec(text);
  if (!match || !Object.hasOwn(SIZE_SUFFIXES, match[2]!)) return undefined;
  return Number(match[1]) * SIZE_SUFFIXES[match[2]!]!;
}

/** `wc -c` alone counts bytes by each file's size, as GNU does for regular files, reading none. */
function wcChecker(args: readonly string[]): CommandUse {
  const parsed = parseOptions('wc', args, COMMAND_OPTIONS.wc);
  const onlyBytes = parsed.options.length > 0 && parsed.options.every((option) => option.name === '-c' || option.name === '--bytes');
  return onlyBytes ? { paths: parsed.operands, readsPrefix: 0 } : { paths: parsed.operands };
}

function grepChecker(args: readonly string[]): CommandUse {
  const parsed = parseOptions('grep', args, COMMAND_OPTIONS.grep);
  const patternGiven = hasOption(parsed, '-e', '-f', '--regexp', '--file');
  if (!patternGiven && parsed.operands.length === 0) throw new Refusal('grep: give a pattern, e.g. grep -rn PATTERN DIR');
  // Without -r and a file, grep reads its standard input, not the working directory.
  const recursive = hasOption(parsed, '-r', '-R', '--recursive', '--dereference-recursive');
  return { ...searchPaths(parsed, COMMAND_OPTIONS.grep, patternGiven), searchesWithoutPath: recursive && parsed.operands.length === (patternGiven ? 0 : 1) };
}

function rgChecker(args: readonly string[]): CommandUse {
  const parsed = parseOptions('rg', args, COMMAND_OPTIONS.rg);
  const patternGiven = hasOption(parsed, '--files', '--type-list', '-e', '-f', '--regexp', '--file');
  if (!patternGiven && parsed.operands.length === 0) throw new Refusal('rg: give a pattern, e.g. rg -n PATTERN DIR');
  const searches = !hasOption(parsed, '--type-list');
  return { ...searchPaths(parsed, COMMAND_OPTIONS.rg, patternGiven), searchesWithoutPath: searches && parsed.operands.length === (patternGiven ? 0 : 1) };
}

/**
 * The files a search opens (its operands after the pattern, and pattern or ignore files named by
 * options) with where each stands in argv: grep and rg run as real programs, which are given
 * each path as the host read it (ArgumentPositions), never as written.
 */
function searchPaths(parsed: ParsedOptions, spec: OptionSpec, patternGiven: boolean): Pick<CommandUse, 'paths' | 'pathWords'> {
  const skip = patternGiven ? 0 : 1;
  const operands = parsed.operands.slice(skip).map((operand, at) => ({ text: operand, index: parsed.operandIndices[at + skip]!, prefix: '', operand: true }));
  const options = parsed.options.flatMap(({ name, value, valueAt }) =>
    (spec.pathValues ?? []).includes(name) && value !== undefined && valueAt !== undefined ? [{ text: value, ...valueAt, operand: false }] : [],
  );
  const words = [...operands, ...options];
  return { paths: words.map((word) => word.text), pathWords: words };
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
  const searchesWithoutPath = i === 0;
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
  return { paths, searchesWithoutPath };
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

/** `xargs [-0rt] [-n N] [-I R] [-d D] COMMAND ARGS…`; the command defaults to echo. */
function xargsChecker(args: readonly string[]): CommandUse {
  const parsed = parseOptions('xargs', args, COMMAND_OPTIONS.xargs);
  const [replace] = optionValues(parsed, '-I', '--replace');
  const argv = parsed.operands.length === 0 ? ['echo'] : parsed.operands;
  // With -I, xargs puts each input line wherever the string appears, command name included.
  if (replace !== undefined && (replace === '' || argv[0]!.includes(replace))) {
    throw new Refusal('xargs -I: the replacement string must not appear in the command name');
  }
  return { paths: checkNestedCommand('xargs', argv) };
}

/** `which NAME…`: answers for the listed commands only. */
function whichChecker(args: readonly string[]): CommandUse {
  const parsed = parseOptions('which', args, COMMAND_OPTIONS.which);
  if (parsed.operands.some((name) => name.includes('/'))) throw new Refusal('which takes command names, not paths');
  return { paths: [] };
}

function cdChecker(args: readonly string[]): CommandUse {
  const parsed = parseOptions('cd', args, COMMAND_OPTIONS.cd);
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

/** The allowed commands, each with the check of its arguments. `git` has its own policy. */
export const COMMAND_CHECKS: Readonly<Record<string, Checker>> = {
  ls: filesCommand('ls', COMMAND_OPTIONS.ls),
  cat: filesCommand('cat', COMMAND_OPTIONS.cat),
  head: headChecker,
  tail: filesCommand('tail', COMMAND_OPTIONS.tail),
  wc: wcChecker,
  find: findChecker,
  grep: grepChecker,
  rg: rgChecker,
  tree: filesCommand('tree', COMMAND_OPTIONS.tree),
  file: filesCommand('file', COMMAND_OPTIONS.file),
  stat: filesCommand('stat', COMMAND_OPTIONS.stat),
  du: filesCommand('du', COMMAND_OPTIONS.du),
  sort: filesCommand('sort', COMMAND_OPTIONS.sort),
  // A second operand of uniq is an output file.
  uniq: filesCommand('uniq', COMMAND_OPTIONS.uniq, 1),
  cut: filesCommand('cut', COMMAND_OPTIONS.cut),
  tr: textCommand('tr', COMMAND_OPTIONS.tr),
  nl: filesCommand('nl', COMMAND_OPTIONS.nl),
  basename: textCommand('basename', COMMAND_OPTIONS.basename),
  dirname: textCommand('dirname', COMMAND_OPTIONS.dirname),
  realpath: filesCommand('realpath', COMMAND_OPTIONS.realpath),
  pwd: filesCommand('pwd', COMMAND_OPTIONS.pwd, 0),
  echo: () => ({ paths: [] }),
  printf: printfChecker,
  cd: cdChecker,
  diff: filesCommand('diff', COMMAND_OPTIONS.diff, 2),
  comm: filesCommand('comm', COMMAND_OPTIONS.comm, 2),
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
