import { availableParallelism } from 'node:os';
import { MAX_GIT_THREADS } from '../limits';
import { isRefName } from './gitRefs';
import { refuse } from './gitMetadata';

/**
 * The configuration git runs with: the host's own, never the repository's. Every git release adds
 * keys, and many of them run a program (core.fsmonitor, core.pager, filters, diff and merge
 * drivers, credential helpers), make git fetch, or read a file named in their value (include.path,
 * core.excludesFile, core.worktree); none of them can reach git when git never reads the
 * repository's config. Its text (parsed by git itself, without includes) is read as data only to
 * carry over a short list of values that change how git reads this repository's files and
 * nothing else, each checked against the values it may take.
 */

/** Settings that decide how git compares the work tree with the index, by the values they may take. */
const BOOLEAN = ['core.filemode', 'core.ignorecase', 'core.precomposeunicode', 'core.symlinks', 'core.trustctime', 'core.quotepath'];
const CHOICES: Readonly<Record<string, readonly string[]>> = {
  'core.autocrlf': ['true', 'false', 'input'],
  'core.eol': ['lf', 'crlf', 'native'],
  'core.checkstat': ['default', 'minimal'],
};

const TRUE = new Set(['true', 'yes', 'on', '1']);
const FALSE = new Set(['false', 'no', 'off', '0', '']);

/**
 * Extensions git can do without here: config.worktree is never read; precious objects only stop
 * a repack; a partial clone's promisor remote is never configured, so a missing object is an
 * error instead of a fetch.
 */
const IGNORED_EXTENSIONS = new Set(['worktreeconfig', 'preciousobjects', 'noop', 'partialclone']);

export interface PrivateConfig {
  /** The config file git runs with. */
  text: string;
  /** Hex digits in an object id of this repository: 40 for SHA-1, 64 for SHA-256. */
  hexLength: number;
}

/**
 * The config git runs with, from the repository's as `git config --null --list` prints it.
 * Refuses a repository whose format this cannot honour (a ref store or extension git would need
 * to read its data correctly).
 */
export function privateConfig(listing: string): PrivateConfig {
  const values = new Map<string, string[]>();
  for (const entry of listing.split('\0')) {
    if (entry === '') continue;
    const newline = entry.indexOf('\n');
    // git prints section and name in lower case, a subsection as written.
    const key = newline === -1 ? entry : entry.slice(0, newline);
    const value = newline === -1 ? '' : entry.slice(newline + 1);
    values.set(key, [...(values.get(key) ?? []), value]);
  }
  const last = (key: string): string | undefined => values.get(key)?.at(-1);

  const version = last('core.repositoryformatversion') ?? '0';
  if (version !== '0' && version !== '1') refuse(`its repository format version ${shortened(version)} is not one git reads here`);
  let sha256 = false;
  for (const [key] of values) {
    const extension = /^extensions\.(.+)$/.exec(key)?.[1];
    if (extension === undefined || IGNORED_EXTENSIONS.has(extension)) continue;
    const value = last(key)!.toLowerCase();
    if (extension === 'objectformat' && (value === 'sha1' || value === 'sha256')) sha256 = value === 'sha256';
    else if (extension === 'refstorage' && value === 'files') continue;
    else refuse(`it uses the repository extension ${shortened(key)}, which git here does not honour`);
  }

  const core = ['\trepositoryformatversion = ' + (sha256 ? '1' : '0'), '\tbare = false', '\tlogallrefupdates = false'];
  for (const key of BOOLEAN) {
    const value = last(key)?.toLowerCase();
    if (value !== undefined && (TRUE.has(value) || FALSE.has(value))) core.push(`\t${key.slice(5)} = ${TRUE.has(value)}`);
  }
  for (const [key, choices] of Object.entries(CHOICES)) {
    const value = last(key)?.toLowerCase();
    if (value !== undefined && (choices.includes(value) || TRUE.has(value) || FALSE.has(value))) {
      core.push(`\t${key.slice(5)} = ${choices.includes(value) ? value : TRUE.has(value)}`);
    }
  }
  const sections = [`[core]\n${core.join('\n')}`];
  if (sha256) sections.push('[extensions]\n\tobjectformat = sha256');
  sections.push(`[grep]\n\tthreads = ${Math.min(MAX_GIT_THREADS, availableParallelism())}`);
  sections.push(...tracking(values));
  return { text: `${sections.join('\n')}\n`, hexLength: sha256 ? 64 : 40 };
}

/**
 * Which remote branch each branch follows (branch.NAME.remote and .merge, remote.NAME.fetch), so
 * that `git status` and `git branch -vv` say "ahead 2" as they would. Plain names only: every
 * transport is off, and no URL is carried.
 */
function tracking(values: ReadonlyMap<string, string[]>): string[] {
  const sections: string[] = [];
  const remotes = new Set<string>();
  for (const [key, all] of values) {
    const branch = /^branch\.(.+)\.merge$/.exec(key)?.[1];
    if (branch === undefined || !isRefName(`refs/heads/${branch}`)) continue;
    const merge = all.at(-1)!;
    const remote = values.get(`branch.${branch}.remote`)?.at(-1);
    if (!isRefName(merge) || remote === undefined || !isRemoteName(remote)) continue;
    // Quoted, so that a `#` or `;` in a name is not read as a comment (isRefName allows no `"` or `\\`).
    sections.push(`[branch "${branch}"]\n\tremote = ${remote}\n\tmerge = "${merge}"`);
    remotes.add(remote);
  }
  for (const remote of remotes) {
    const fetch = (values.get(`remote.${remote}.fetch`) ?? []).filter(isRefspec);
    if (remote !== '.' && fetch.length > 0) sections.push(`[remote "${remote}"]\n${fetch.map((spec) => `\tfetch = "${spec}"`).join('\n')}`);
  }
  return sections;
}

function isRemoteName(name: string): boolean {
  return name === '.' || /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/.test(name);
}

/** `+refs/heads/*:refs/remotes/origin/*` and the like: two ref names, each with at most one `*`. */
function isRefspec(spec: string): boolean {
  const match = /^\+?([^:]+):([^:]+)$/.exec(spec);
  return match !== null && [match[1]!, match[2]!].every((side) => (side.match(/\*/g) ?? []).length <= 1 && isRefName(side.replace('*', 'x')));
}

/** A key or value as the model sees it: it is the repository's own text, so it is kept short. */
function shortened(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
