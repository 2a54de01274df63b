import type { CommandUse } from './commandPolicy';
import { Refusal } from './refusal';

/** Subcommands that only read the repository (with the options refused below). */
export const GIT_SUBCOMMANDS = ['log', 'show', 'diff', 'status', 'ls-files', 'blame', 'grep', 'rev-parse', 'branch'] as const;

/**
 * Options that write files, run programs (external diff, textconv, pagers, gpg), or read
 * outside the repository. git accepts unambiguous abbreviations of long options, so a prefix
 * of one of these (`--out=f`) is refused as well.
 */
const DANGEROUS_LONG: Readonly<Record<string, string>> = {
  '--output': 'it writes files',
  '--ext-diff': 'it runs an external diff program',
  '--textconv': 'it runs textconv filters',
  '--no-index': 'it compares files outside the repository',
  '--open-files-in-pager': 'it runs a pager',
  '--show-signature': 'it runs gpg',
  '--exec': 'it runs programs',
  '--upload-pack': 'it runs programs',
  '--git-dir': 'it selects another repository',
  '--work-tree': 'it selects another worktree',
  '--config-env': 'it changes configuration',
  '--paginate': 'it runs a pager',
  '--exclude-from': 'reading patterns from a file is not supported here',
  '--file': 'reading patterns from a file is not supported here',
  '--ignore-revs-file': 'reading revisions from a file is not supported here',
  '--contents': 'reading contents from another file is not supported here',
  '--edit-description': 'it edits the repository',
  '--set-upstream-to': 'it edits the repository',
  '--unset-upstream': 'it edits the repository',
  '--delete': 'it edits the repository',
  '--move': 'it edits the repository',
  '--copy': 'it edits the repository',
  '--force': 'it edits the repository',
  '--track': 'it edits the repository',
};

/** Long options that are safe but share a prefix with a dangerous one. */
const SAFE_EXACT = new Set(['--text', '--no-ext-diff', '--no-textconv', '--no-index-info', '--exclude', '--exclude-standard', '--exit-code']);

const DANGEROUS_SHORT: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  grep: { O: 'it runs a pager', f: 'reading patterns from a file is not supported here' },
  'ls-files': { X: 'reading patterns from a file is not supported here' },
  blame: { S: 'reading revisions from a file is not supported here' },
  branch: { d: 'it edits the repository', D: 'it edits the repository', m: 'it edits the repository', M: 'it edits the repository', c: 'it edits the repository', C: 'it edits the repository', f: 'it edits the repository', u: 'it edits the repository', t: 'it edits the repository' },
};

/** `git branch` may only list: these options, and name patterns only with --list. */
const BRANCH_LIST_OPTIONS = new Set(['-a', '-r', '-v', '-vv', '--all', '--remotes', '--verbose', '--list', '-l', '--show-current', '--no-color', '--merged', '--no-merged', '--contains', '--no-contains', '--column', '--no-column', '-i', '--ignore-case']);

export function checkGitArgs(args: readonly string[]): CommandUse {
  let index = 0;
  while (args[index] === '--no-pager') index++;
  const subcommand = args[index];
  if (subcommand === undefined) throw new Refusal(`git needs a subcommand: ${GIT_SUBCOMMANDS.join(', ')}`);
  if (subcommand.startsWith('-')) {
    throw new Refusal(`git ${subcommand} is refused: global git options (-c, -C, --git-dir, …) are not allowed; run git SUBCOMMAND from the workspace`);
  }
  if (!(GIT_SUBCOMMANDS as readonly string[]).includes(subcommand)) {
    throw new Refusal(`git ${subcommand} is not available: only read-only subcommands run (${GIT_SUBCOMMANDS.join(', ')})`);
  }
  const rest = args.slice(index + 1);
  let afterDoubleDash = false;
  for (const arg of rest) {
    if (afterDoubleDash) continue;
    if (arg === '--') {
      afterDoubleDash = true;
      continue;
    }
    if (arg.startsWith('--')) {
      const name = arg.split('=')[0]!;
      if (SAFE_EXACT.has(name)) continue;
      for (const [bad, reason] of Object.entries(DANGEROUS_LONG)) {
        if (name === bad || (name.length >= 4 && bad.startsWith(name))) throw new Refusal(`git ${subcommand} ${name} is refused: ${reason}`);
      }
      if (/^--(pretty|format)=/.test(arg) && /%G/.test(arg)) throw new Refusal('git signature placeholders (%G…) run gpg and are refused');
    } else if (arg.startsWith('-') && arg.length > 1) {
      const letters = arg.slice(1);
      for (const [letter, reason] of Object.entries(DANGEROUS_SHORT[subcommand] ?? {})) {
        if (/^[a-zA-Z]+$/.test(letters) && letters.includes(letter)) throw new Refusal(`git ${subcommand} -${letter} is refused: ${reason}`);
      }
    }
  }
  if (subcommand === 'branch') checkBranchListsOnly(rest);
  return { paths: [] };
}

function checkBranchListsOnly(args: readonly string[]): void {
  const listing = args.some((a) => a === '--list' || a === '-l');
  const takesCommit = new Set(['--contains', '--no-contains', '--merged', '--no-merged']);
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (takesCommit.has(arg)) {
      i++;
    } else if (arg.startsWith('-')) {
      if (!BRANCH_LIST_OPTIONS.has(arg.split('=')[0]!)) throw new Refusal(`git branch ${arg} is not allowed: git branch may only list branches`);
    } else if (!listing) {
      throw new Refusal('git branch NAME would create a branch; use git branch --list PATTERN to list');
    }
  }
}
