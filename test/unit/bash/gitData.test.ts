import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { privateConfig } from '../../../src/tools/bash/git/gitConfig';
import { MetadataRefusal } from '../../../src/tools/bash/git/gitMetadata';
import { isRefName, objectIdLines, packedRefsContent, refContent } from '../../../src/tools/bash/git/gitRefs';
import { MAX_GIT_THREADS } from '../../../src/tools/bash/limits';

/** `git config --null --list` output for these entries. */
function listing(entries: Record<string, string | string[]>): string {
  return Object.entries(entries)
    .flatMap(([key, value]) => (Array.isArray(value) ? value : [value]).map((v) => `${key}\n${v}\0`))
    .join('');
}

function refusal(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof MetadataRefusal) return error.problem.reason;
    throw error;
  }
  throw new Error('not refused');
}

const ID = 'a'.repeat(40);

describe('the config git runs with', () => {
  it('carries only values that change how git reads the files, and pins the thread count', () => {
    const { text, hexLength } = privateConfig(
      listing({
        'core.ignorecase': 'true',
        'core.filemode': 'no',
        'core.autocrlf': 'input',
        'core.eol': 'sideways',
        'core.pager': 'touch /tmp/x',
        'core.fsmonitor': 'touch /tmp/x',
        'core.worktree': '/',
        'include.path': '/etc/gitconfig',
        'filter.x.clean': 'touch /tmp/x',
        'grep.threads': '100000',
        'remote.origin.url': 'ext::sh -c touch% /tmp/x',
      }),
    );
    expect(hexLength).toBe(40);
    expect(text).toBe(
      [
        '[core]',
        '\trepositoryformatversion = 0',
        '\tbare = false',
        '\tlogallrefupdates = false',
        '\tfilemode = false',
        '\tignorecase = true',
        '\tautocrlf = input',
        '[grep]',
        `\tthreads = ${Math.min(MAX_GIT_THREADS, availableParallelism())}`,
        '',
      ].join('\n'),
    );
  });

  it('keeps upstream tracking as names only, and drops names that could break out of the file', () => {
    const { text } = privateConfig(
      listing({
        'branch.main.remote': 'origin',
        'branch.main.merge': 'refs/heads/main',
        'branch.a"b.remote': 'origin',
        'branch.a"b.merge': 'refs/heads/x',
        'branch.evil.remote': 'origin\n[core]',
        'branch.evil.merge': 'refs/heads/evil',
        'remote.origin.fetch': ['+refs/heads/*:refs/remotes/origin/*', 'refs/heads/a b:x'],
        'remote.origin.url': 'https://example.com/x.git',
      }),
    );
    expect(text).toContain('[branch "main"]\n\tremote = origin\n\tmerge = "refs/heads/main"\n[remote "origin"]\n\tfetch = "+refs/heads/*:refs/remotes/origin/*"\n');
    expect(text).not.toMatch(/a"b|evil|example|a b/);
  });

  it('honours SHA-256 and refuses formats it cannot read correctly', () => {
    expect(privateConfig(listing({ 'core.repositoryformatversion': '1', 'extensions.objectformat': 'sha256' })).hexLength).toBe(64);
    expect(privateConfig(listing({ 'core.repositoryformatversion': '1', 'extensions.partialclone': 'origin', 'extensions.worktreeconfig': 'true' })).hexLength).toBe(40);
    expect(refusal(() => privateConfig(listing({ 'extensions.refstorage': 'reftable' })))).toBe('it uses the repository extension extensions.refstorage, which git here does not honour');
    expect(refusal(() => privateConfig(listing({ 'extensions.somethingnew': 'x' })))).toMatch(/extensions\.somethingnew/);
    expect(refusal(() => privateConfig(listing({ 'core.repositoryformatversion': '2' })))).toMatch(/format version 2/);
  });
});

describe('refs read as data', () => {
  it('accepts object ids and symbolic refs to valid names only', () => {
    expect(refContent(`${ID}\n`, 40)).toBe(`${ID}\n`);
    expect(refContent('ref: refs/heads/main\n', 40)).toBe('ref: refs/heads/main\n');
    for (const bad of [`${ID}0\n`, 'ref: /etc/passwd\n', 'ref: refs/heads/../x\n', 'root:x:0:0:root:/root:/bin/bash\n', `${'A'.repeat(40)}\n`, '']) {
      expect(refContent(bad, 40), bad).toBeUndefined();
    }
    expect(isRefName('refs/heads/feature/x')).toBe(true);
    for (const bad of ['refs/heads/.hidden', 'refs/heads/x.lock', 'refs/heads/a b', 'refs/heads/a\\b', 'refs//x', 'refs/heads/x@{1}', 'refs/heads/é']) {
      expect(isRefName(bad), bad).toBe(false);
    }
  });

  it('keeps only well-formed lines of packed-refs, shallow and FETCH_HEAD', () => {
    const packed = `# pack-refs with: peeled fully-peeled sorted \n${ID} refs/heads/main\n^${ID}\nsecret line\n${ID} /etc/passwd\n^${ID}\n`;
    expect(packedRefsContent(packed, 40)).toBe(`# pack-refs with: peeled fully-peeled sorted \n${ID} refs/heads/main\n^${ID}\n`);
    expect(objectIdLines(`${ID}\n${ID}\n`, 40)).toBe(`${ID}\n${ID}\n`);
    expect(objectIdLines(`${ID}\nsecret\n`, 40)).toBeUndefined();
    expect(objectIdLines(`${ID}\t\tbranch 'main' of https://example.com/x\n`, 40, true)).toBe(`${ID}\t\tbranch 'main' of https://example.com/x\n`);
    expect(objectIdLines(`${ID}\t\tbranch\x1b[2J\n`, 40, true)).toBeUndefined();
  });
});
