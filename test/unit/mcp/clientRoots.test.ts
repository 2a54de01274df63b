import { describe, expect, it } from 'vitest';
import { allowedRoots, clientRootPath } from '../../../src/mcp/exploreServer';
import { pathRulesFor } from '../../../src/tools/support/pathRules';

const windows = pathRulesFor('win32', () => true);
const linux = pathRulesFor('linux');

describe("a client's roots on each platform", () => {
  it('reads file: URIs with drive letters, escaped or not, and UNC shares on Windows', () => {
    expect(clientRootPath('file:///c%3A/repo/src', windows)).toBe('c:\\repo\\src');
    expect(clientRootPath('file:///C:/My%20Repo', windows)).toBe('C:\\My Repo');
    expect(clientRootPath('file://server/share/repo', windows)).toBe('\\\\server\\share\\repo');
    expect(clientRootPath('file:///home/me/repo', linux)).toBe('/home/me/repo');
    expect(() => clientRootPath('file://server/share/repo', linux)).toThrow();
    expect(() => clientRootPath('https://example.org/repo', windows)).toThrow();
  });

  it('overlaps with the server folders whatever the case of the drive letter, each folder once', () => {
    expect(allowedRoots(['C:\\Repo'], ['c:\\repo\\src'], windows)).toEqual(['c:\\repo\\src']);
    expect(allowedRoots(['C:\\repo'], ['c:\\repo'], windows)).toEqual(['c:\\repo']);
    expect(allowedRoots(['C:\\repo'], ['D:\\repo'], windows)).toEqual([]);
    expect(allowedRoots(['/home/me/Repo'], ['/home/me/repo'], linux)).toEqual([]);
  });
});
