import { mkdir, mkdtemp, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pathBelow, pathRulesFor, toSlashes, type PathRules } from '../../../src/tools/support/pathRules';
import { rootLabel, rootsNamedBy } from '../../../src/tools/support/rootLabels';
import { pathRewriter } from '../../../src/tools/support/shownPaths';
import {
  displayPath,
  distinctPaths,
  isInside,
  isInsideRoots,
  outermostRoots,
  readPathBy,
  rootOf,
  workspaceLabel,
  type Probe,
} from '../../../src/tools/support/workspacePaths';

/**
 * Paths by the rules of the platforms this never ran on (pathRules.ts), checked on Linux: the
 * comparisons, splitting and joining, and the one reading of a path walked over a made-up tree.
 * What the real lstat and readlink of Windows and macOS answer (junctions, 8.3 names, a volume's
 * case rule) cannot be had here.
 */
const windows = pathRulesFor('win32', () => true);
const mac = pathRulesFor('darwin', () => true);
/** A Mac volume formatted case-sensitive (APFS allows it): `App` and `app` are two folders there. */
const caseSensitiveMac = pathRulesFor('darwin', () => false);
const linux = pathRulesFor('linux');

describe('inside a root, by each platform', () => {
  it('reads drive letters, either slash and any case on Windows', () => {
    expect(isInside('C:\\repo\\src\\a.ts', 'C:\\repo', windows)).toBe(true);
    expect(isInside('c:/REPO/src/a.ts', 'C:\\repo', windows)).toBe(true);
    expect(isInside('C:\\repo', 'c:\\Repo\\', windows)).toBe(true);
    expect(isInside('D:\\repo\\a.ts', 'C:\\repo', windows)).toBe(false);
    expect(isInside('C:\\repo2\\a.ts', 'C:\\repo', windows)).toBe(false);
    expect(isInside('C:\\repo\\..\\secret.txt', 'C:\\repo', windows)).toBe(false);
    expect(isInside('C:\\repo\\..cache\\x', 'C:\\repo', windows)).toBe(true);
    expect(isInside('\\\\server\\share\\repo\\a.ts', '\\\\server\\share\\repo', windows)).toBe(true);
    expect(isInside('\\\\server\\share\\other', '\\\\server\\share\\repo', windows)).toBe(false);
    // A backslash is a character of a name on Linux, not a way out of a folder.
    expect(isInside('/repo/..\\x', '/repo', linux)).toBe(true);
    expect(isInside('C:\\repo\\a', 'C:\\repo', linux)).toBe(false);
  });

  it('takes a path in other case for the same file on a Mac, but not on a case-sensitive volume or on Linux', () => {
    expect(isInside('/Users/me/App/SRC/a.ts', '/Users/me/app', mac)).toBe(true);
    expect(isInside('/Users/me/APP/secret', '/Users/me/app', caseSensitiveMac)).toBe(false);
    expect(isInside('/home/me/App/a.ts', '/home/me/app', linux)).toBe(false);
  });

  it('keeps the path below a root as the candidate spells it', () => {
    expect(pathBelow('c:/REPO/Src/A.ts', 'C:\\repo', windows)).toBe('Src\\A.ts');
    expect(pathBelow('/Users/me/App/SRC/a.ts', '/Users/me/app', mac)).toBe('SRC/a.ts');
    expect(pathBelow('C:\\repo', 'C:\\repo', windows)).toBe('');
    expect(pathBelow('C:\\a.ts', 'C:\\', windows)).toBe('a.ts');
    expect(toSlashes('src\\lib\\a.ts', windows)).toBe('src/lib/a.ts');
    expect(toSlashes('src\\a.ts', linux)).toBe('src\\a.ts');
  });

  it('shows paths to the model and labels them for the user with forward slashes on Windows', () => {
    expect(displayPath('C:\\repo\\src\\a.ts', 'C:\\repo', windows)).toBe('src/a.ts');
    expect(displayPath('c:\\REPO', 'C:\\repo', windows)).toBe('.');
    expect(displayPath('D:\\other\\a.ts', 'C:\\repo', windows)).toBe('D:\\other\\a.ts');
    expect(displayPath('/Users/me/App/src/a.ts', '/Users/me/app', mac)).toBe('src/a.ts');
    const roots = ['C:\\work\\client\\app', 'C:\\work\\server\\app', 'D:\\lib'];
    expect(workspaceLabel('c:\\work\\server\\app\\src\\main.ts', roots, windows)).toBe('app (server)/src/main.ts');
    expect(workspaceLabel('D:\\lib\\index.ts', ['D:\\lib'], windows)).toBe('index.ts');
    expect(workspaceLabel('D:\\lib', roots, windows)).toBe('lib');
    expect(rootLabel('C:\\work\\client\\app', roots, windows)).toBe('app (client)');
    expect(rootsNamedBy('lib\\src\\a.ts', roots, windows)).toEqual([{ root: 'D:\\lib', rest: 'src/a.ts' }]);
  });

  it('finds the innermost root, and counts one root written twice once', () => {
    expect(rootOf('C:\\repo\\pkg\\a.ts', ['C:\\repo', 'c:\\REPO\\pkg'], windows)).toBe('c:\\REPO\\pkg');
    expect(distinctPaths(['C:\\repo', 'c:\\repo\\', 'D:\\repo'], windows)).toEqual(['C:\\repo', 'D:\\repo']);
    // Two spellings of one root each hold the other: without counting them once, neither was outermost.
    expect(outermostRoots(['C:\\repo', 'c:\\repo', 'C:\\repo\\pkg'], windows)).toEqual(['C:\\repo']);
    expect(outermostRoots(['/home/me/app', '/home/me/App'], linux)).toEqual(['/home/me/app', '/home/me/App']);
    expect(isInsideRoots('C:\\b\\x', ['C:\\a', 'c:\\B'], windows)).toBe(true);
  });
});

describe('which file systems fold case', () => {
  it('asks a root of Windows or a Mac once, whether its name in other case is the same folder', () => {
    const asked: [string, string][] = [];
    const rules = pathRulesFor('darwin', (a, b) => {
      asked.push([a, b]);
      return false;
    });
    expect(rules.foldsCase('/Volumes/Code/app')).toBe(false);
    expect(rules.foldsCase('/Volumes/Code/app')).toBe(false);
    expect(asked).toEqual([['/Volumes/Code/app', '/Volumes/Code/APP']]);
    expect(pathRulesFor('win32', (a, b) => (asked.push([a, b]), true)).foldsCase('C:\\work\\Repo')).toBe(true);
    expect(asked.at(-1)).toEqual(['C:\\work\\Repo', 'C:\\work\\rEPO']);
  });

  it('takes the platform default when a root cannot tell, and asks again later', () => {
    let answer: boolean | undefined;
    const rules = pathRulesFor('darwin', () => answer);
    expect(rules.foldsCase('/Users/me/not-yet-there')).toBe(true);
    answer = false;
    expect(rules.foldsCase('/Users/me/not-yet-there')).toBe(false);
    // No letter to swap: the platform's default.
    expect(pathRulesFor('darwin', () => false).foldsCase('/2024/01')).toBe(true);
  });

  it('never folds on Linux, and finds that this machine tells names apart', async () => {
    expect(pathRulesFor('linux', () => true).foldsCase('/home/me/app')).toBe(false);
    const parent = await realpath(await mkdtemp(path.join(tmpdir(), 'loco-case-')));
    try {
      await mkdir(path.join(parent, 'Repo'));
      // The probe a Mac runs, on this machine's disk: `rEPO` is not `Repo` here.
      expect(pathRulesFor('darwin').foldsCase(path.join(parent, 'Repo'))).toBe(false);
    } finally {
      await rm(parent, { recursive: true, force: true });
    }
  });
});

/** A made-up file system: folders, files and links by path, looked up by the platform's case rule. */
function tree(rules: PathRules, entries: Record<string, Probe>): (target: string) => Probe {
  const key = (text: string) => (rules.foldsCase(text) ? text.toLowerCase() : text);
  const byKey = new Map(Object.entries(entries).map(([name, probe]) => [key(name), probe]));
  return (target) => byKey.get(key(target)) ?? { kind: 'missing' };
}

describe('the one reading of a path, walked on a Windows tree', () => {
  const root = 'C:\\repo';
  const probe = tree(windows, {
    'C:\\repo': { kind: 'directory' },
    'C:\\repo\\src': { kind: 'directory' },
    'C:\\repo\\src\\a.ts': { kind: 'other' },
    'C:\\repo\\lib': { kind: 'link', target: '..\\repo\\src' },
    'C:\\repo\\abs': { kind: 'link', target: 'c:\\REPO\\src' },
    'C:\\repo\\out': { kind: 'link', target: 'D:\\secrets' },
    'C:\\repo\\up': { kind: 'link', target: '..\\secrets' },
  });
  const read = (given: string, cwd = root) => readPathBy(probe, given, cwd, [root], windows);

  it('reads relative, absolute, slashed and other-case paths to the same file', () => {
    for (const given of ['src\\a.ts', 'src/a.ts', 'C:\\repo\\src\\a.ts', 'c:/REPO/SRC/A.TS', '.\\src\\..\\src\\a.ts']) {
      const reading = read(given);
      expect(reading, given).toMatchObject({ kind: 'resolved', exists: true });
      expect(isInsideRoots((reading as { real: string }).real, [root], windows), given).toBe(true);
    }
    expect(read('a.ts', 'C:\\repo\\src')).toEqual({ kind: 'resolved', real: 'C:\\repo\\src\\a.ts', exists: true });
  });

  it('follows links with backslashes and drive letters, and stops those that lead out', () => {
    expect(read('lib\\a.ts')).toEqual({ kind: 'resolved', real: 'C:\\repo\\src\\a.ts', exists: true });
    expect(read('abs\\a.ts')).toMatchObject({ kind: 'resolved', exists: true });
    expect(read('out\\key.pem')).toEqual({ kind: 'outside' });
    // A link whose target is missing counts by where it was going: out of the workspace.
    expect(read('up\\key.pem')).toEqual({ kind: 'outside' });
    expect(read('..\\secrets\\key.pem')).toMatchObject({ real: 'C:\\secrets', exists: false });
    expect(read('D:\\repo\\a.ts')).toMatchObject({ real: 'D:\\repo', exists: false });
  });

  it('judges a missing name by its folder, and a name ending in either slash as a folder', () => {
    expect(read('src\\new.ts')).toEqual({ kind: 'resolved', real: 'C:\\repo\\src\\new.ts', exists: false });
    expect(read('src\\a.ts\\')).toEqual({ kind: 'unresolvable', reason: 'C:\\repo\\src\\a.ts is not a directory' });
    expect(read('src\\a.ts/')).toMatchObject({ kind: 'unresolvable' });
  });

  it('has no per-process places on Windows, and keeps them on a Mac', () => {
    const onMac = readPathBy(tree(mac, { '/Users': { kind: 'directory' } }), '/dev/fd/3', '/Users', ['/Users'], mac);
    expect(onMac).toEqual({ kind: 'outside' });
    expect(readPathBy(probe, '\\dev\\x', root, [root], windows)).toMatchObject({ kind: 'resolved', exists: false });
  });
});

describe('the one reading of a path, walked on a Mac', () => {
  const root = '/Users/me/app';
  const entries: Record<string, Probe> = {
    '/Users': { kind: 'directory' },
    '/Users/me': { kind: 'directory' },
    '/Users/me/app': { kind: 'directory' },
    '/Users/me/app/src': { kind: 'directory' },
    '/Users/me/app/src/a.ts': { kind: 'other' },
    '/Users/me/APP': { kind: 'directory' },
    '/Users/me/APP/secret': { kind: 'other' },
  };

  it('reads a path in other case as the workspace file on the default volume', () => {
    const reading = readPathBy(tree(mac, entries), '/users/ME/App/SRC/a.ts', root, [root], mac);
    expect(reading).toMatchObject({ kind: 'resolved', exists: true });
    expect(isInsideRoots((reading as { real: string }).real, [root], mac)).toBe(true);
  });

  it('keeps a sibling folder that differs only in case outside on a case-sensitive volume', () => {
    const reading = readPathBy(tree(caseSensitiveMac, entries), '/Users/me/APP/secret', root, [root], caseSensitiveMac);
    expect(reading).toEqual({ kind: 'resolved', real: '/Users/me/APP/secret', exists: true });
    expect(isInsideRoots('/Users/me/APP/secret', [root], caseSensitiveMac)).toBe(false);
  });
});

describe("a program's paths given back as the model wrote them, on Windows", () => {
  it('puts the written folder back in front of ripgrep\'s backslashed lines', () => {
    const rewrite = pathRewriter([{ passed: 'C:\\repo\\src', shown: 'src', directory: true }], undefined, windows);
    expect(rewrite('C:\\repo\\src\\a.ts:3:const a = 1;')).toBe('src\\a.ts:3:const a = 1;');
    expect(rewrite('C:\\repo\\srcx\\a.ts:3:x')).toBe('C:\\repo\\srcx\\a.ts:3:x');
  });

  it('follows --path-separator / for every path it prints', () => {
    const rewrite = pathRewriter([{ passed: 'C:\\repo\\src', shown: 'src', directory: true }], '/', windows);
    expect(rewrite('C:/repo/src/a.ts:3:x')).toBe('src/a.ts:3:x');
    expect(rewrite('{"type":"match","data":{"path":{"text":"C:/repo/src/a.ts"}}}')).toBe('{"type":"match","data":{"path":{"text":"src/a.ts"}}}');
  });
});
