import type { OptionSpec } from './options';

export const writesFiles = 'it writes files';
export const runsPrograms = 'it runs other programs';
const readsPathsFromFile = 'reading paths from a file is not supported here';
const followNeverEnds = 'following a file never ends; read it with tail -n N instead';

const headTail: OptionSpec = {
  short: 'qvz',
  shortValue: 'nc',
  numeric: true,
  long: ['--quiet', '--silent', '--verbose', '--zero-terminated'],
  longValue: ['--lines', '--bytes'],
};

/**
 * The options each command may take, with those refused by name and why. The gate parses every
 * command's arguments by these; the simulated commands that reshape their output (shell/gnuFormat.ts,
 * tree, which, realpath) read their options by the same specs, so both sides agree on what
 * an argument is. `git` has its own per-subcommand lists (gitPolicy.ts); awk, sed and jq read
 * theirs beside their program checks.
 */
export const COMMAND_OPTIONS = {
  ls: {
    short: 'aAlFhRrtSs1dipngGoUXvcuQm',
    shortValue: 'IwT',
    long: [
      '--all', '--almost-all', '--human-readable', '--classify', '--recursive', '--reverse', '--directory',
      '--group-directories-first', '--inode', '--size', '--numeric-uid-gid', '--no-group', '--literal',
      '--quote-name', '--full-time',
    ],
    longValue: ['--sort', '--ignore', '--hide', '--color', '--width', '--time-style', '--format', '--indicator-style', '--time'],
  },
  cat: {
    short: 'nbsAETvet',
    long: ['--number', '--number-nonblank', '--squeeze-blank', '--show-all', '--show-ends', '--show-tabs', '--show-nonprinting'],
  },
  head: headTail,
  tail: {
    ...headTail,
    dangerous: {
      '-f': followNeverEnds,
      '-F': followNeverEnds,
      '--follow': followNeverEnds,
      '--retry': followNeverEnds,
    },
  },
  wc: {
    short: 'lwcmL',
    long: ['--lines', '--words', '--bytes', '--chars', '--max-line-length'],
    dangerous: { '--files0-from': readsPathsFromFile },
  },
  grep: {
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
  },
  rg: {
    short: 'nNilcvwxHoqsFSuUI0a',
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
  },
  tree: {
    short: 'adfF',
    shortValue: 'LIP',
    long: ['--noreport', '--dirsfirst'],
    dangerous: { '-o': writesFiles, '-R': writesFiles, '--fromfile': readsPathsFromFile },
  },
  file: {
    short: 'bihkLNz0',
    long: ['--brief', '--mime', '--mime-type', '--mime-encoding', '--keep-going', '--no-pad', '--dereference'],
    dangerous: {
      '-C': writesFiles,
      '--compile': writesFiles,
      '-f': readsPathsFromFile,
      '--files-from': readsPathsFromFile,
      '-m': 'custom magic files are not supported here',
      '--magic-file': 'custom magic files are not supported here',
    },
  },
  stat: {
    short: 'Lft',
    shortValue: 'c',
    long: ['--dereference', '--file-system', '--terse'],
    longValue: ['--format', '--printf'],
  },
  du: {
    short: 'sahcbkmLlxD0',
    shortValue: 'dt',
    long: ['--summarize', '--all', '--human-readable', '--total', '--apparent-size', '--si', '--bytes', '--count-links', '--one-file-system'],
    longValue: ['--max-depth', '--threshold', '--exclude', '--block-size', '--time'],
    dangerous: { '--files0-from': readsPathsFromFile, '-X': 'reading patterns from a file is not supported here', '--exclude-from': 'reading patterns from a file is not supported here' },
  },
  sort: {
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
      '--files0-from': readsPathsFromFile,
      '--random-source': 'reading a random source is not supported here',
      '--parallel': 'not supported here',
    },
  },
  uniq: {
    short: 'cdDiuz',
    shortValue: 'fsw',
    long: ['--count', '--repeated', '--ignore-case', '--unique', '--zero-terminated'],
    longValue: ['--skip-fields', '--skip-chars', '--check-chars', '--all-repeated', '--group'],
  },
  // cut, comm and diff: the options the simulated commands implement (diff's output is shaped
  // like GNU's in shell/gnuFormat.ts).
  cut: { short: 's', shortValue: 'bcdf', long: ['--only-delimited'] },
  tr: { short: 'cCdst', long: ['--complement', '--delete', '--squeeze-repeats', '--truncate-set1'] },
  nl: {
    short: 'p',
    shortValue: 'bdfhilnsvw',
    long: ['--no-renumber'],
    longValue: ['--body-numbering', '--section-delimiter', '--footer-numbering', '--header-numbering', '--line-increment', '--join-blank-lines', '--number-format', '--number-separator', '--starting-line-number', '--number-width'],
  },
  basename: { short: 'az', shortValue: 's', long: ['--multiple', '--zero'], longValue: ['--suffix'] },
  dirname: { short: 'z', long: ['--zero'] },
  realpath: { short: 'eqsz', long: ['--canonicalize-existing', '--quiet', '--strip', '--no-symlinks', '--zero'] },
  pwd: { short: 'LP' },
  diff: { short: 'uqsi', long: ['--unified', '--brief', '--report-identical-files', '--ignore-case'] },
  comm: { short: '123' },
  xargs: {
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
  },
  which: { short: 'a' },
  cd: { short: 'LP' },
} satisfies Readonly<Record<string, OptionSpec>>;
