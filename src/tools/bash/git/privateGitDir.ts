import { lstat, mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { isInsideRoots, readPathSync } from '../../support/workspacePaths';
import { privateConfig } from './gitConfig';
import { copyRegularFile, EntryBudget, isRealFolder, MetadataRefusal, readRegularFile, refuse, regularFilesBelow, RepositoryProblem } from './gitMetadata';
import { gitEnvironment, runGit } from './gitProcess';
import { isRefName, objectIdLines, packedRefsContent, refContent } from './gitRefs';
import { shownFrom, type Repository } from './gitRepository';

/**
 * The git directory git runs against: built by the host, per call, in a private folder, from
 * what the host read of the repository's own as plain data (gitMetadata.ts). git finds there
 * the host's config (gitConfig.ts), HEAD, refs, packed-refs, shallow and the index, each checked,
 * and the repository's objects through an alternates entry naming its real objects folder, whose
 * every entry was checked. Nothing else of the repository's git directory reaches git: not its
 * config, hooks, info/ (grafts, sparse-checkout, exclude, alternates), commondir or worktree
 * files, which git would otherwise read in ways the host cannot see (a link through
 * `/proc/self/cwd` is one place for the host and another for git).
 */

/**
 * A git directory this size is far beyond a healthy repository's: git packs loose objects once
 * there are about 6,700 of them, so a real one holds a few hundred to a few thousand entries in
 * objects/ and refs/, and the walk takes a few milliseconds (tens at the gc threshold).
 */
const MAX_METADATA_ENTRIES = 100_000;

const KB = 1024;
const MB = 1024 * KB;
/** A loose ref, HEAD or pointer is one short line. */
const MAX_REF_BYTES = 4 * KB;
const MAX_CONFIG_BYTES = MB;
/** packed-refs holds about 60 bytes a ref: this is a million refs; beyond that it is not metadata. */
const MAX_PACKED_REFS_BYTES = 64 * MB;
const MAX_SHALLOW_BYTES = 16 * MB;
/** An index lists every tracked file in about 100 bytes: this is a few million files. */
const MAX_INDEX_BYTES = 512 * MB;
/** Reflogs serve `git log -g` and `@{N}`; a repository with more is served without them. */
const MAX_REFLOG_BYTES = 16 * MB;

/** Refs of the last operation, read by `git status` (a merge in progress) and by name (`git show ORIG_HEAD`). */
const PSEUDO_REFS = ['ORIG_HEAD', 'MERGE_HEAD', 'CHERRY_PICK_HEAD', 'REVERT_HEAD', 'FETCH_HEAD'];

/** What the private git directory holds once built. */
export interface PrivateGitDir {
  gitDir: string;
}

/**
 * Builds the private git directory for `repository` in `folder` (empty, the host's own), using
 * `home` (an empty folder) for the one git run it needs: its config parser, on a copy.
 */
export async function buildGitDir(repository: Repository, folder: string, home: string, roots: readonly string[], signal?: AbortSignal): Promise<PrivateGitDir | RepositoryProblem> {
  try {
    const builder = new Builder(repository, path.join(folder, 'git'), roots);
    const { hexLength } = await builder.config(path.join(folder, 'repository-config'), home, signal);
    // Every part settles before the first refusal is reported: the folder is removed next, and none may still be writing to it.
    const parts = await Promise.allSettled([builder.head(hexLength), builder.refs(hexLength), builder.index(), builder.objects(), builder.reflogs(), builder.worktrees(hexLength)]);
    const failed = parts.find((part) => part.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
    return { gitDir: builder.target };
  } catch (error) {
    if (error instanceof MetadataRefusal) return error.problem;
    throw error;
  }
}

class Builder {
  private readonly budget = new EntryBudget(MAX_METADATA_ENTRIES);
  private readonly gitDir: string;
  private readonly commonDir: string;

  constructor(
    private readonly repository: Repository,
    readonly target: string,
    private readonly roots: readonly string[],
  ) {
    ({ gitDir: this.gitDir, commonDir: this.commonDir } = repository);
  }

  /** How a file of the repository is named in a refusal. */
  private shown = (file: string): string => shownFrom(this.repository.workTree, file);

  private async write(relative: string, data: string | Buffer): Promise<void> {
    const file = path.join(this.target, relative);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, data);
  }

  async config(copy: string, home: string, signal?: AbortSignal): Promise<{ hexLength: number }> {
    await mkdir(path.join(this.target, 'refs'), { recursive: true });
    const source = path.join(this.commonDir, 'config');
    const text = (await readRegularFile(source, MAX_CONFIG_BYTES, this.shown(source))) ?? Buffer.alloc(0);
    await writeFile(copy, text);
    const listing = await runGit(['config', '--file', copy, '--no-includes', '--null', '--list'], home, gitEnvironment(home, this.roots), signal);
    if (listing.exitCode !== 0) refuse(`${this.shown(source)} could not be read`);
    const config = privateConfig(listing.stdout);
    await this.write('config', config.text);
    return config;
  }

  async head(hexLength: number): Promise<void> {
    const file = path.join(this.gitDir, 'HEAD');
    const head = refContent(((await readRegularFile(file, MAX_REF_BYTES, this.shown(file))) ?? '').toString('latin1'), hexLength);
    if (head === undefined) refuse(`${this.shown(file)} is not a valid HEAD`);
    await this.write('HEAD', head);
    for (const name of PSEUDO_REFS) {
      const pseudo = path.join(this.gitDir, name);
      const data = await readRegularFile(pseudo, MAX_REF_BYTES * 16, this.shown(pseudo));
      const lines = data === undefined ? undefined : objectIdLines(data.toString('latin1'), hexLength, name === 'FETCH_HEAD');
      if (lines !== undefined) await this.write(name, lines);
    }
    const shallow = path.join(this.commonDir, 'shallow');
    const shallowData = await readRegularFile(shallow, MAX_SHALLOW_BYTES, this.shown(shallow));
    if (shallowData !== undefined) {
      const lines = objectIdLines(shallowData.toString('latin1'), hexLength);
      if (lines === undefined) refuse(`${this.shown(shallow)} is not a list of commits`);
      await this.write('shallow', lines);
    }
  }

  /** Loose refs (names and contents checked; a file that is not a ref is left out, as git ignores it) and packed-refs. */
  async refs(hexLength: number): Promise<void> {
    const top = path.join(this.commonDir, 'refs');
    if (!(await isRealFolder(top, this.shown(top)))) return;
    for (const parts of await regularFilesBelow(top, this.budget, this.shown)) {
      const name = ['refs', ...parts].join('/');
      if (!isRefName(name)) continue;
      const file = path.join(top, ...parts);
      const content = refContent(((await readRegularFile(file, MAX_REF_BYTES, this.shown(file))) ?? '').toString('latin1'), hexLength);
      if (content !== undefined) await this.write(path.join('refs', ...parts), content);
    }
    const packed = path.join(this.commonDir, 'packed-refs');
    const data = await readRegularFile(packed, MAX_PACKED_REFS_BYTES, this.shown(packed));
    if (data !== undefined) await this.write('packed-refs', packedRefsContent(data.toString('latin1'), hexLength));
  }

  /** The index, and the shared index a split index names (`sharedindex.<id>` beside it). */
  async index(): Promise<void> {
    const names = ['index', ...(await readdir(this.gitDir)).filter((name) => /^sharedindex\.[0-9a-f]{40,64}$/.test(name))];
    await mkdir(this.target, { recursive: true });
    for (const name of names) {
      const file = path.join(this.gitDir, name);
      await copyRegularFile(file, path.join(this.target, name), MAX_INDEX_BYTES, this.shown(file));
    }
  }

  /**
   * The repository's objects, through an alternates entry naming its real objects folder. git
   * opens every file there (loose objects, packs, commit-graphs, multi-pack-index) and follows
   * its own info/alternates, so every entry is checked, and borrowing from another store is refused.
   */
  async objects(): Promise<void> {
    const objects = path.join(this.commonDir, 'objects');
    if (!(await isRealFolder(objects, this.shown(objects)))) refuse(`${this.shown(objects)} is missing`);
    const files = await regularFilesBelow(objects, this.budget, this.shown);
    if (files.some((parts) => parts.join('/') === 'info/alternates')) {
      const alternates = path.join(objects, 'info', 'alternates');
      const data = (await readRegularFile(alternates, MAX_CONFIG_BYTES, this.shown(alternates)))!.toString('utf8');
      if (data.split('\n').some((line) => line.trim() !== '' && !line.startsWith('#'))) {
        refuse(`${this.shown(alternates)} borrows objects from another repository`);
      }
    }
    // One line, unquoted: git would read a path starting with `"` as C-quoted, and a newline as two entries.
    if (/[\n\r]/.test(objects) || objects.startsWith('"')) refuse(`${this.shown(objects)} has a name git cannot be given`);
    await mkdir(path.join(this.target, 'objects', 'info'), { recursive: true });
    await this.write(path.join('objects', 'info', 'alternates'), `${objects}\n`);
  }

  /** HEAD's reflog and the refs', when small enough to copy; git works without them. */
  async reflogs(): Promise<void> {
    const logs: Array<{ from: string; to: string }> = [];
    const head = path.join(this.gitDir, 'logs', 'HEAD');
    if ((await lstat(head).catch(() => undefined)) !== undefined) logs.push({ from: head, to: path.join('logs', 'HEAD') });
    const top = path.join(this.commonDir, 'logs', 'refs');
    if ((await isRealFolder(path.join(this.commonDir, 'logs'), this.shown(path.join(this.commonDir, 'logs')))) && (await isRealFolder(top, this.shown(top)))) {
      for (const parts of await regularFilesBelow(top, this.budget, this.shown)) {
        if (isRefName(['refs', ...parts].join('/'))) logs.push({ from: path.join(top, ...parts), to: path.join('logs', 'refs', ...parts) });
      }
    }
    let total = 0;
    const contents: Array<{ to: string; data: Buffer }> = [];
    for (const { from, to } of logs) {
      const data = await readRegularFile(from, MAX_REFLOG_BYTES, this.shown(from));
      if (data === undefined) continue;
      total += data.length;
      if (total > MAX_REFLOG_BYTES) return;
      contents.push({ to, data });
    }
    for (const { to, data } of contents) await this.write(to, data);
  }

  /**
   * The other worktrees of the main repository, as `git branch` shows them (`+ feature`): each
   * one's HEAD, and its checkout's place when that lies in the workspace; git reads nothing else there.
   */
  async worktrees(hexLength: number): Promise<void> {
    const top = path.join(this.commonDir, 'worktrees');
    if (!(await isRealFolder(top, this.shown(top)))) return;
    const entries = await readdir(top, { withFileTypes: true });
    this.budget.spend(entries.length);
    for (const entry of entries) {
      if (!entry.isDirectory() || path.join(top, entry.name) === this.gitDir) continue;
      const admin = path.join(top, entry.name);
      const head = refContent(((await readRegularFile(path.join(admin, 'HEAD'), MAX_REF_BYTES, this.shown(path.join(admin, 'HEAD')))) ?? '').toString('latin1'), hexLength);
      const gitdir = ((await readRegularFile(path.join(admin, 'gitdir'), MAX_REF_BYTES, this.shown(path.join(admin, 'gitdir')))) ?? '').toString('utf8').split('\n')[0]!;
      const reading = gitdir === '' ? undefined : readPathSync(gitdir, admin, this.roots);
      if (head === undefined || reading?.kind !== 'resolved' || !isInsideRoots(reading.real, this.roots)) continue;
      const own = path.join('worktrees', entry.name);
      await this.write(path.join(own, 'HEAD'), head);
      await this.write(path.join(own, 'gitdir'), `${reading.real}\n`);
      await this.write(path.join(own, 'commondir'), '../..\n');
    }
  }
}
