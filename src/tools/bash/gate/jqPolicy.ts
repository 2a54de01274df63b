import type { CommandUse } from './commandUse';
import { parseOptions } from './options';
import { Refusal } from './refusal';

/**
 * `jq [OPTIONS] FILTER [FILE]...`. jq reads only its input files, except through modules
 * (`import`, `include`, `-L`), file options (`-f`, `--rawfile`, `--slurpfile`) and the
 * environment (`env`, `$ENV`); those are refused. The filter is scanned as jq reads it,
 * strings and their `\(…)` interpolations included.
 */
export function jqChecker(args: readonly string[]): CommandUse {
  // --arg and --argjson take two values, which the shared option parser does not model.
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') {
      rest.push(...args.slice(i));
      break;
    }
    if (arg === '--arg' || arg === '--argjson') {
      if (args[i + 2] === undefined) throw new Refusal(`jq ${arg} needs a name and a value`);
      i += 2;
      continue;
    }
    rest.push(arg);
  }
  const parsed = parseOptions('jq', rest, {
    short: 'rcnsejSR',
    long: ['--raw-output', '--compact-output', '--null-input', '--slurp', '--exit-status', '--join-output', '--sort-keys', '--raw-input', '--tab'],
    dangerous: {
      '-f': readsOtherFiles,
      '--from-file': readsOtherFiles,
      '-L': readsOtherFiles,
      '--rawfile': readsOtherFiles,
      '--slurpfile': readsOtherFiles,
    },
  });
  const [filter, ...files] = parsed.operands;
  if (filter === undefined) throw new Refusal("jq needs a filter, e.g. jq '.name' package.json");
  checkJqFilter(filter);
  return { paths: files };
}

const readsOtherFiles = 'reading programs or values from other files is not supported here; write the filter inline';

/** Names that read the environment or other files. */
const REFUSED_NAMES: Readonly<Record<string, string>> = {
  env: 'jq env reads the environment',
  $ENV: 'jq $ENV reads the environment',
  import: 'jq modules read other files',
  include: 'jq modules read other files',
  modulemeta: 'jq modules read other files',
  get_search_list: 'jq modules read other files',
};

export function checkJqFilter(filter: string): void {
  const end = scanCode(filter, 0, false);
  if (end < filter.length) throw new Refusal('jq filter has an unmatched )');
}

/** Scans code from `at`; inside an interpolation, stops just past its closing `)`. */
function scanCode(filter: string, at: number, interpolation: boolean): number {
  let depth = 0;
  let i = at;
  let afterDot = false;
  while (i < filter.length) {
    const c = filter[i]!;
    if (c === '#') {
      while (i < filter.length && filter[i] !== '\n') i++;
      continue;
    }
    if (c === '"') {
      i = scanString(filter, i + 1);
      afterDot = false;
      continue;
    }
    if (c === '(') depth++;
    if (c === ')') {
      if (depth === 0) {
        if (interpolation) return i + 1;
        return i;
      }
      depth--;
    }
    const name = /^\$?[A-Za-z_][A-Za-z0-9_]*/.exec(filter.slice(i))?.[0];
    if (name !== undefined) {
      // `.env` is a field of the input, not the environment.
      if (!afterDot && name in REFUSED_NAMES) throw new Refusal(`${REFUSED_NAMES[name]}; query the input files only`);
      if (filter.startsWith('::', i + name.length)) throw new Refusal('jq modules read other files; query the input files only');
      i += name.length;
      afterDot = false;
      continue;
    }
    if (c !== ' ' && c !== '\t') afterDot = c === '.';
    i++;
  }
  if (interpolation) throw new Refusal('jq filter has an unterminated \\( interpolation');
  return i;
}

/** Scans a string body from `at`; returns the index just past its closing quote. */
function scanString(filter: string, at: number): number {
  let i = at;
  while (i < filter.length) {
    const c = filter[i]!;
    if (c === '"') return i + 1;
    if (c === '\\' && filter[i + 1] === '(') {
      i = scanCode(filter, i + 2, true);
      continue;
    }
    i += c === '\\' ? 2 : 1;
  }
  throw new Refusal('jq filter has an unterminated string');
}
