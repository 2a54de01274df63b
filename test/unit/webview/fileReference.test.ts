import { describe, expect, it } from 'vitest';
import { FileReference, findFileReferences } from '../../../src/protocol/fileReference';

const refs = (text: string) => findFileReferences(text).map(({ text, path, line, endLine }) => ({ text, path, line, endLine }));

describe('findFileReferences', () => {
  it('finds relative and absolute paths with the line formats the model writes', () => {
    expect(refs('See src/server/app.py:10 and /work/repo/web/src/api.ts:3-9, then lib/a.js#L4-L8.')).toEqual([
      { text: 'src/server/app.py:10', path: 'src/server/app.py', line: 10, endLine: undefined },
      { text: '/work/repo/web/src/api.ts:3-9', path: '/work/repo/web/src/api.ts', line: 3, endLine: 9 },
      { text: 'lib/a.js#L4-L8', path: 'lib/a.js', line: 4, endLine: 8 },
    ]);
  });

  it('accepts #L10, #L10-20, an en dash range, ./ and ../ prefixes and Windows paths', () => {
    expect(refs('a/b.ts#L10 a/c.ts#L10-20 a/d.ts:5–7 ./x.py ../y/z.go C:\\code\\app\\main.rs:12')).toEqual([
      { text: 'a/b.ts#L10', path: 'a/b.ts', line: 10, endLine: undefined },
      { text: 'a/c.ts#L10-20', path: 'a/c.ts', line: 10, endLine: 20 },
      { text: 'a/d.ts:5–7', path: 'a/d.ts', line: 5, endLine: 7 },
      { text: './x.py', path: './x.py', line: undefined, endLine: undefined },
      { text: '../y/z.go', path: '../y/z.go', line: undefined, endLine: undefined },
      { text: 'C:\\code\\app\\main.rs:12', path: 'C:\\code\\app\\main.rs', line: 12, endLine: undefined },
    ]);
  });

  it('takes the line of a grep match and ignores a column', () => {
    expect(refs('/w/src/routes.py:42:def create_app():\n/w/src/app.py:7:5: error')).toEqual([
      { text: '/w/src/routes.py:42', path: '/w/src/routes.py', line: 42, endLine: undefined },
      { text: '/w/src/app.py:7', path: '/w/src/app.py', line: 7, endLine: undefined },
    ]);
  });

  it('finds references inside markdown code spans, links and parentheses', () => {
    expect(refs('The factory (`src/app.py:3`) is [here](docs/architecture.md).').map((r) => r.text)).toEqual([
      'src/app.py:3',
      'docs/architecture.md',
    ]);
  });

  it('leaves sentence punctuation out of the path', () => {
    expect(refs('Configured in pyproject.toml. Also src/config.py, and tests/conftest.py!').map((r) => r.path)).toEqual([
      'pyproject.toml',
      'src/config.py',
      'tests/conftest.py',
    ]);
  });

  it('finds bare file names that have an extension', () => {
    expect(refs('README.md and app.py:10 matter').map((r) => r.text)).toEqual(['README.md', 'app.py:10']);
  });

  it('reports where each reference starts', () => {
    const text = 'x src/a.ts:1 y src/a.ts:1';
    expect(findFileReferences(text).map((r) => r.index)).toEqual([2, 15]);
  });

  it('keeps a line 0 and a range that ends before it starts as written, for the host to flag', () => {
    expect(refs('src/a.ts:20-10 src/a.ts:0')).toEqual([
      { text: 'src/a.ts:20-10', path: 'src/a.ts', line: 20, endLine: 10 },
      { text: 'src/a.ts:0', path: 'src/a.ts', line: 0, endLine: undefined },
    ]);
    for (const reference of findFileReferences('src/a.ts:20-10 src/a.ts:0')) expect(FileReference.safeParse(reference).success).toBe(true);
  });

  it('finds folders written with a final separator, and bare names with a line, which the host must confirm', () => {
    expect(refs('See lib/, src/app/ and /srv/data/; lib:1, Makefile:12 and port:8080.')).toEqual([
      { text: 'lib/', path: 'lib', line: undefined, endLine: undefined },
      { text: 'src/app/', path: 'src/app', line: undefined, endLine: undefined },
      { text: '/srv/data/', path: '/srv/data', line: undefined, endLine: undefined },
      { text: 'lib:1', path: 'lib', line: 1, endLine: undefined },
      { text: 'Makefile:12', path: 'Makefile', line: 12, endLine: undefined },
      { text: 'port:8080', path: 'port', line: 8080, endLine: undefined },
    ]);
  });

  it.each([
    ['URLs', 'see https://github.com/org/repo/blob/main/src/app.py#L10 and http://localhost:8080/api/x.json'],
    ['a URL without a scheme', 'clone github.com/org/repo/src/app.py or www.example.com/a/b.html'],
    ['host names and ports', 'listens on example.com:8080 and 127.0.0.1:5000 and localhost:3000'],
    ['version numbers', 'requires Python 3.11, node v20.19.0, package 1.2.3 and ^4.1.12'],
    ['dates, times and fractions', 'on 2024/10/20 at 10:30, 3/4 of runs'],
    ['abbreviations', 'e.g. i.e. etc.'],
    ['e-mail addresses', 'mail dev@example.org or a@b.io'],
  ])('finds nothing in %s', (_label, text) => {
    expect(refs(text)).toEqual([]);
  });

  it('returns on a 1 MB line of dotted words (no quadratic backtracking), finding no path that long', () => {
    const line = 'a'.repeat(500_000) + '/' + 'b.'.repeat(250_000);
    expect(findFileReferences(line)).toEqual([]);
  });

  it('keeps every reference within what the protocol accepts', () => {
    const found = findFileReferences(`src/a.py:1234567890 src/b.py:12-99999999999 ${'d/'.repeat(3000)}x.py:1`);
    expect(found.map(({ text, line, endLine }) => ({ text, line, endLine }))).toEqual([
      { text: 'src/a.py', line: undefined, endLine: undefined },
      { text: 'src/b.py:12', line: 12, endLine: undefined },
    ]);
    for (const reference of found) expect(FileReference.safeParse(reference).success).toBe(true);
  });

  it('finds every reference in a 1 MB line of grep output', () => {
    const line = 'src/a.py:1 v1.2.3 '.repeat(60_000);
    expect(findFileReferences(line)).toHaveLength(60_000);
  });
});
