import { describe, expect, it } from 'vitest';
import { referenceCandidates, withLabel } from '../../../src/app/fileReferences';
import { findFileReferences } from '../../../src/protocol/fileReference';
import { referenceVerdict } from '../../../src/protocol/referenceVerdicts';
import { pathRulesFor } from '../../../src/tools/support/pathRules';

/**
 * File references as a Windows or Mac user's model writes them, resolved by those platforms'
 * path rules (pathRules.ts) on Linux: which places a reference may name and how its link reads.
 * Whether the file is there is the file system's to say (fileReferences.test.ts, on this disk).
 */
const windows = pathRulesFor('win32', () => true);
const mac = pathRulesFor('darwin', () => true);

describe('references written on Windows', () => {
  it('are found with drive letters, backslashes or forward slashes, and their lines', () => {
    const found = findFileReferences('See C:\\repo\\src\\a.ts:10, c:/repo/lib/b.ts#L3-L5 and src\\c.ts:7.');
    expect(found.map(({ path, line, endLine }) => ({ path, line, endLine }))).toEqual([
      { path: 'C:\\repo\\src\\a.ts', line: 10, endLine: undefined },
      { path: 'c:/repo/lib/b.ts', line: 3, endLine: 5 },
      { path: 'src\\c.ts', line: 7, endLine: undefined },
    ]);
  });

  it('claim to be a file when written with backslashes, as with slashes', () => {
    expect(referenceVerdict({ text: 'src\\gone.ts', path: 'src\\gone.ts' }, { exists: false, reason: 'notFound' })).toBe('unverified');
    expect(referenceVerdict({ text: 'and\\or', path: 'and\\or' }, { exists: false, reason: 'notFound' })).toBe('plain');
  });

  const places = { bases: ['C:\\repo\\pkg', 'C:\\repo', 'D:\\lib'], roots: ['C:\\repo', 'D:\\lib'] };
  const home = 'C:\\Users\\me';

  it('name one place when absolute, whichever slash and case', () => {
    expect(referenceCandidates('C:\\repo\\src\\a.ts', places, home, windows)).toEqual(['C:\\repo\\src\\a.ts']);
    expect(referenceCandidates('c:/repo/src/../src/a.ts', places, home, windows)).toEqual(['c:\\repo\\src\\a.ts']);
    expect(referenceCandidates('~\\notes\\todo.md', places, home, windows)).toEqual(['C:\\Users\\me\\notes\\todo.md']);
    expect(referenceCandidates('~/notes/todo.md', places, home, windows)).toEqual(['C:\\Users\\me\\notes\\todo.md']);
  });

  it('are tried against each base, then under the root their first folder names', () => {
    expect(referenceCandidates('src\\a.ts', places, home, windows)).toEqual(['C:\\repo\\pkg\\src\\a.ts', 'C:\\repo\\src\\a.ts', 'D:\\lib\\src\\a.ts']);
    expect(referenceCandidates('lib\\index.ts', places, home, windows)).toContain('D:\\lib\\index.ts');
  });

  it('read as their workspace label with forward slashes, and their home folder as ~', () => {
    const ref = { text: 'C:\\repo\\src\\a.ts:10', path: 'C:\\repo\\src\\a.ts', line: 10 };
    const link = { exists: true, path: 'C:\\repo\\src\\a.ts', line: 10 };
    expect(withLabel(ref, link, ['c:\\Repo'], home, windows).label).toBe('src/a.ts:10');
    expect(withLabel(ref, link, ['C:\\repo', 'D:\\lib'], home, windows).label).toBe('repo/src/a.ts:10');
    const outside = { text: 'C:\\Users\\me\\notes\\todo.md', path: 'C:\\Users\\me\\notes\\todo.md' };
    expect(withLabel(outside, { exists: false, reason: 'outsideWorkspace' }, ['C:\\repo'], home, windows).label).toBe('~/notes/todo.md');
    // The root itself keeps the text it was written with.
    expect(withLabel({ text: 'C:\\REPO', path: 'C:\\REPO' }, { exists: false, reason: 'folder', path: 'C:\\REPO' }, ['C:\\repo'], home, windows).label).toBeUndefined();
  });
});

describe('references written on a Mac', () => {
  it('in other case read as the workspace file they name', () => {
    const ref = { text: '/Users/me/App/src/a.ts:3', path: '/Users/me/App/src/a.ts', line: 3 };
    expect(withLabel(ref, { exists: true, path: '/Users/me/App/src/a.ts', line: 3 }, ['/Users/me/app'], '/Users/me', mac).label).toBe('src/a.ts:3');
    expect(referenceCandidates('~/app/a.ts', { bases: ['/Users/me/app'], roots: ['/Users/me/app'] }, '/Users/me', mac)).toEqual(['/Users/me/app/a.ts']);
  });
});
