import path from 'node:path';
import { MAX_GIT_THREADS } from '../limits';
import type { CommandUse } from './commandUse';
import { hasOption, type OptionSpec, type ParsedOption, parseOptions } from './options';
import { Refusal } from './refusal';

/** Subcommands that only read the repository (with the options listed below). */
export const GIT_SUBCOMMANDS = ['log', 'show', 'diff', 'status', 'ls-files', 'blame', 'grep', 'rev-parse', 'branch'] as const;
type Subcommand = (typeof GIT_SUBCOMMANDS)[number];

/**
 * The options each subcommand may take, as a positive allowlist: an option git adds, or one we
 * never thought about (`-O<pager>`, `--orderfile`, `--remerge-diff`), is refused. Written as
 * `-x` or `--name` for a flag, `-x=`/`--name=` for an option that needs a value (attached or
 * the next argument), `-x?`/`--name?` for an optional value (attached or after `=` only).
 * Nothing here writes, runs a program or reads a file named by the model.
 */
const DIFF_OPTIONS = `
  -p -u -s --patch --no-patch -U= --unified= --raw --patch-with-raw --patch-with-stat --stat? --numstat
  --shortstat --compact-summary --dirstat? --cumulative -X? --summary -z --name-only --name-status --color?
  --no-color --color-moved? --no-color-moved --word-diff? --word-diff-regex= --color-words? --no-renames
  --check --full-index --binary --abbrev? --no-abbrev -B? --break-rewrites? -M? --find-renames? -C? --find-copies?
  --find-copies-harder -D --irreversible-delete -l= -S= -G= --pickaxe-all --pickaxe-regex --find-object= -R
  --relative? --no-relative -a --text --ignore-space-at-eol -b --ignore-space-change -w --ignore-all-space
  --ignore-blank-lines --ignore-cr-at-eol -W --function-context --exit-code --quiet --no-ext-diff --no-textconv
  --src-prefix= --dst-prefix= --no-prefix --default-prefix --minimal --patience --histogram --diff-algorithm=
  --anchored= --indent-heuristic --no-indent-heuristic --inter-hunk-context= --diff-filter= --stat-width=
  --stat-name-width= --stat-count= --stat-graph-width= --ita-invisible-in-index`;

const LOG_OPTIONS = `${DIFF_OPTIONS}
  -n= --max-count= --skip= --since= --after= --until= --before= --author= --committer= --grep= --all-match
  --invert-grep -i --regexp-ignore-case --basic-regexp -E --extended-regexp -F --fixed-strings -P --perl-regexp
  --merges --no-merges --min-parents= --max-parents= --no-min-parents --no-max-parents --first-parent --all
  --branches? --tags? --remotes? --glob= --exclude= --not -g --walk-reflogs --boundary --simplify-by-decoration
  --full-history --dense --sparse --simplify-merges --ancestry-path? --topo-order --date-order
  --author-date-order --reverse --no-walk? --do-walk --pretty? --format= --oneline --abbrev-commit
  --no-abbrev-commit --encoding= --notes? --no-notes --show-notes? --expand-tabs? --no-expand-tabs
  --relative-date --date= --parents --children --left-right --cherry-mark --cherry-pick --left-only
  --right-only --cherry --graph --decorate? --no-decorate --decorate-refs= --decorate-refs-exclude=
  --clear-decorations --source --use-mailmap --no-use-mailmap --mailmap --no-mailmap --full-diff --log-size
  -L= --follow --no-follow -m -c --cc --dd --diff-merges= --no-diff-merges --combined-all-paths --show-pulls
  --show-linear-break? --grep-reflog=`;

const SPECS: Readonly<Record<Subcommand, string>> = {
  log: LOG_OPTIONS,
  show: LOG_OPTIONS,
  diff: `${DIFF_OPTIONS} --cached --staged --merge-base --base --ours --theirs -0 -1 -2 -3`,
  status: `-s --short -b --branch --show-stash --porcelain? --long -v --verbose -u? --untracked-files? --ignored?
    -z --column? --no-column --ahead-behind --no-ahead-behind --renames --no-renames --find-renames?`,
  'ls-files': `-c --cached -d --deleted -m --modified -o --others -i --ignored -s --stage -u --unmerged -k
    --killed -z -t -v -f --full-name --exclude= -x= --exclude-standard --error-unmatch --with-tree= --abbrev?
    --debug --eol --deduplicate --directory --no-empty-directory --sparse --format=`,
  blame: `-b --root --show-stats -L= -l -t -p --porcelain --line-porcelain --incremental --encoding= --date=
    --no-progress -M? -C? --ignore-rev= --color-lines --color-by-age -h -c -f --show-name -n --show-number -s
    -e --show-email -w --abbrev? --minimal --first-parent --reverse=`,
  grep: `--cached --untracked --exclude-standard --no-exclude-standard -a --text --no-textconv -i --ignore-case
    -I --max-depth= -r --recursive --no-recursive -w --word-regexp -v --invert-match -h -H --full-name -E
    --extended-regexp -G --basic-regexp -P --perl-regexp -F --fixed-strings -n --line-number --column -l
    --files-with-matches --name-only -L --files-without-match -z --null -o --only-matching -c --count --color?
    --no-color --break --heading -p --show-function -A= -B= -C= --after-context= --before-context= --context=
    -W --function-context -m= --max-count= --threads= -e= --and --or --not --all-match -q --quiet`,
  'rev-parse': `--show-toplevel --git-dir --absolute-git-dir --git-common-dir --is-inside-work-tree
    --is-inside-git-dir --is-bare-repository --is-shallow-repository --show-prefix --show-cdup --abbrev-ref?
    --symbolic --symbolic-full-name --short? --verify -q --quiet --all --branches? --tags? --remotes? --glob=
    --exclude= --show-superproject-working-tree --path-format= --since= --after= --until= --before= --default=
    --revs-only --no-revs --flags --no-flags --not --show-object-format? --show-ref-format`,
  branch: `-a -r -v --all --remotes --verbose --list -l --show-current --no-color --color? --merged= --no-merged=
    --contains= --no-contains= --points-at= --sort= --format= --column? --no-column -i --ignore-case --abbrev?
    --no-abbrev --omit-empty`,
};

/** Subcommands that accept `-NUM` (a commit count for log, context lines for grep). */
const NUMERIC = new Set<Subcommand>(['log', 'show', 'grep']);

/** Values of --diff-merges that only format (remerge re-runs the merge, and with it merge drivers). */
const DIFF_MERGES = new Set(['off', 'none', 'on', 'first-parent', '1', 'separate', 'm', 'combined', 'c', 'dense-combined', 'cc']);

/** Each subcommand's list above as a spec of the option parser every command shares. */
const OPTION_SPECS = Object.fromEntries(
  Object.entries(SPECS).map(([name, list]) => {
    const short = { flag: '', required: '', optional: '' };
    const long = { flag: [] as string[], required: [] as string[], optional: [] as string[] };
    for (const entry of list.split(/\s+/).filter(Boolean)) {
      const arity = entry.endsWith('=') ? 'required' : entry.endsWith('?') ? 'optional' : 'flag';
      const option = arity === 'flag' ? entry : entry.slice(0, -1);
      if (option.startsWith('--')) long[arity].push(option);
      else short[arity] += option.slice(1);
    }
    const spec: OptionSpec = {
      short: short.flag,
      shortValue: short.required,
      shortOptional: short.optional,
      long: long.flag,
      longValue: long.required,
      longOptional: long.optional,
      numeric: NUMERIC.has(name as Subcommand),
      allowedHint: 'only git options that only read the repository are accepted',
    };
    return [name, spec];
  }),
) as Record<Subcommand, OptionSpec>;

/**
 * git's global options accepted before the subcommand: `--no-pager` (git runs without a pager
 * anyway) and `-C DIR`, each DIR relative to the one before, as git reads them. Any other
 * global option (-c, --git-dir, --work-tree, --exec-path, -p) is refused with the subcommand.
 */
export function splitGlobalOptions(args: readonly string[]): { directories: string[]; rest: string[] } {
  const directories: string[] = [];
  let index = 0;
  for (;;) {
    if (args[index] === '--no-pager') index++;
    else if (args[index] === '-C' && args[index + 1] !== undefined) {
      directories.push(args[index + 1]!);
      index += 2;
    } else break;
  }
  return { directories, rest: args.slice(index) };
}

export function checkGitArgs(args: readonly string[]): CommandUse {
  const { directories, rest } = splitGlobalOptions(args);
  const subcommand = rest[0];
  if (subcommand === undefined) throw new Refusal(`git needs a subcommand: ${GIT_SUBCOMMANDS.join(', ')}`);
  if (subcommand.startsWith('-')) {
    throw new Refusal(`git ${subcommand} is refused: of git's global options only -C DIR (inside the workspace) is allowed here; run git SUBCOMMAND`);
  }
  if (!(GIT_SUBCOMMANDS as readonly string[]).includes(subcommand)) {
    throw new Refusal(`git ${subcommand} is not available: only read-only subcommands run (${GIT_SUBCOMMANDS.join(', ')})`);
  }
  const sub = subcommand as Subcommand;
  const parsed = parseOptions(`git ${sub}`, rest.slice(1), OPTION_SPECS[sub]);
  const { operands } = parsed;
  for (const option of parsed.options) checkValue(sub, option);
  // With -C, git works in that directory and reads operands from it: the directory is confined,
  // and operands are judged from it (git/gitCommand.ts resolves it again, as the kernel will, before git starts).
  const directory = directories.reduce<string | undefined>((dir, next) => (next === '' ? dir : dir === undefined || path.isAbsolute(next) ? next : `${dir}/${next}`), undefined);
  const fromDirectory = (operand: string): string => (directory === undefined || path.isAbsolute(operand) ? operand : `${directory}/${operand}`);
  const confined = directories.length > 0 ? [directory ?? '.'] : [];
  if (sub === 'branch') {
    const listing = hasOption(parsed, '--list', '-l');
    if (operands.length > 0 && !listing) throw new Refusal('git branch NAME would create a branch; use git branch --list PATTERN to list');
    return { paths: confined };
  }
  // Revisions and paths share the operand list; every operand is confined as if it were a path,
  // because git diff compares files outside the repository when given their paths. A grep
  // pattern given without -e comes first and is not a path.
  const patternFirst = sub === 'grep' && !hasOption(parsed, '-e');
  return { paths: [...confined, ...(patternFirst ? operands.slice(1) : operands).map(fromDirectory)] };
}

/**
 * Numeric options that size the work git does, with the most each may ask for: threads started,
 * spaces per tab held in memory (--expand-tabs=100000000 takes 300 MB for one tab), and the files
 * rename detection compares pairwise (0 lifts git's limit).
 */
const BOUNDED: Readonly<Record<string, { min: number; max: number }>> = {
  '--threads': { min: 0, max: MAX_GIT_THREADS },
  '--expand-tabs': { min: 0, max: 64 },
  '-l': { min: 1, max: 10_000 },
};

/** Whether a `git SUBCOMMAND ARGS` line reads files of the work tree by their index paths (git grep without --cached). */
export function grepsWorkTree(args: readonly string[]): boolean {
  if (args[0] !== 'grep') return false;
  return !hasOption(parseOptions('git grep', args.slice(1), OPTION_SPECS.grep), '--cached');
}

/** Values that select behaviour beyond reading (gpg through %G placeholders, a re-merge), or that ask for too much work. */
function checkValue(subcommand: Subcommand, option: ParsedOption): void {
  const value = option.value ?? '';
  const bound = BOUNDED[option.name];
  if (bound !== undefined && option.value !== undefined) {
    const number = /^\d{1,9}$/.test(value) ? Number(value) : Number.NaN;
    if (!(number >= bound.min && number <= bound.max)) {
      throw new Refusal(`git ${subcommand} ${option.name} takes a whole number from ${bound.min} to ${bound.max} here`);
    }
  }
  if (['--format', '--pretty'].includes(option.name) && value.includes('%G')) {
    throw new Refusal('git signature placeholders (%G…) run gpg and are refused');
  }
  if (option.name === '--diff-merges' && !DIFF_MERGES.has(value)) {
    throw new Refusal(`git ${subcommand} --diff-merges=${value} is not allowed here: use off, first-parent, separate, combined or dense-combined`);
  }
}
