import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareNames, readDirectory, readOperand } from '../../../src/tools/bash/shell/diskListing';

describe('the disk listing behind find, ls -R, tree and du', () => {
  let base: string;
  let root: string;

  beforeAll(() => {
    base = realpathSync(mkdtempSync(path.join(tmpdir(), 'loco-listing-')));
    root = path.join(base, 'ws');
    mkdirSync(path.join(root, 'src', 'deep'), { recursive: true });
    mkdirSync(path.join(base, 'outside'));
    writeFileSync(path.join(base, 'outside', 'secret.txt'), 'x');
    symlinkSync('src/deep', path.join(root, 'deep-link'));
    symlinkSync(path.join(base, 'outside'), path.join(root, 'out'));
    for (const name of ['b', 'B', 'a.py', 'é', '\u{1F600}', '\uFF21', '-x']) writeFileSync(path.join(root, 'src', name), '');
  });
  afterAll(() => rmSync(base, { recursive: true, force: true }));

  it('orders names by their UTF-8 bytes, as GNU tools do in the C locale', () => {
    const names = (readDirectory(path.join(root, 'src')) as Array<{ name: string }>).map((entry) => entry.name);
    expect(names).toEqual([...names].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))));
    // An astral character (a surrogate pair in UTF-16) sorts after U+FF21, as its bytes do.
    expect(compareNames('\u{1F600}', '\uFF21')).toBeGreaterThan(0);
    expect(names.indexOf('\u{1F600}')).toBeGreaterThan(names.indexOf('\uFF21'));
  });

  it('lists links as links, with their type from the directory entry', () => {
    const entries = readDirectory(root) as Array<{ name: string; kind: string }>;
    expect(entries).toEqual([
      { name: 'deep-link', kind: 'link' },
      { name: 'out', kind: 'link' },
      { name: 'src', kind: 'dir' },
    ]);
  });

  it('reads an operand physically, a last link followed only when asked or written with a slash', () => {
    const roots = [root];
    expect(readOperand('deep-link', root, roots, false)).toMatchObject({ kind: 'found', real: path.join(root, 'deep-link') });
    expect(readOperand('deep-link/', root, roots, false)).toMatchObject({ kind: 'found', real: path.join(root, 'src', 'deep') });
    expect(readOperand('deep-link', root, roots, true)).toMatchObject({ kind: 'found', real: path.join(root, 'src', 'deep') });
    // deep-link/.. is the parent of the link's target, not the workspace root.
    expect(readOperand('deep-link/..', root, roots, false)).toMatchObject({ kind: 'found', real: path.join(root, 'src') });
    // A link out is itself inside, and can be listed as a link; what it leads to is outside.
    expect(readOperand('out', root, roots, false)).toMatchObject({ kind: 'found', real: path.join(root, 'out') });
    expect(readOperand('out/', root, roots, false)).toEqual({ kind: 'error', message: 'outside the workspace' });
    expect(readOperand('out/secret.txt', root, roots, false)).toEqual({ kind: 'error', message: 'outside the workspace' });
    expect(readOperand('missing', root, roots, false)).toEqual({ kind: 'error', message: 'No such file or directory' });
  });
});
