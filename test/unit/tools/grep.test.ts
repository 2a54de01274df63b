import { mkdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grepTool, splitGlobs } from '../../../src/tools/grep';
import { makeFixtureWorkspace, type FixtureWorkspace } from '../../fakes/fixtureWorkspace';
import { mkfifo } from './fifo';
import { contextFor, ripgrepDirect } from './toolTestKit';

describe('Grep', () => {
  let workspace: FixtureWorkspace;
  let root: string;
  const grep = (args: unknown, cwd = root) => grepTool.run(args, contextFor(root, { cwd }));
  const newestFirst = (files: string[]) =>
    [...files].sort((a, b) => workspace.mtimeOf(b) - workspace.mtimeOf(a) || a.localeCompare(b));

  beforeAll(async () => {
    workspace = await makeFixtureWorkspace();
    root = workspace.root;
  });
  afterAll(() => workspace.cleanup());

  describe('files_with_matches (the default)', () => {
    it('lists matching files newest first, leaving out ignored ones', async () => {
      const result = await grep({ pattern: 'create_app' });
      const files = newestFirst(['README.md', 'docs/architecture.md', 'src/server/app.py', 'tests/conftest.py']);
      expect(result.output).toBe(['Found 4 files', ...files].join('\n'));
      expect(result.output).not.toContain('node_modules');
      expect(result.output).not.toContain('build/');
      expect(result.metadata).toMatchObject({ mode: 'files_with_matches', files: 4, truncated: false });
    });

    it('speaks in the singular for one file and says when there is none', async () => {
      expect((await grep({ pattern: 'TaskStore\\(limit' })).output).toBe('Found 1 file\nsrc/server/app.py');
      expect((await grep({ pattern: 'no_such_identifier_anywhere' })).output).toBe('No files found');
    });

    it('prints paths relative to the working directory, absolute when outside it', async () => {
      const fromTests = await grep({ pattern: 'def create_app', path: path.join(root, 'src') }, path.join(root, 'tests'));
      expect(fromTests.output).toBe(`Found 1 file\n${path.join(root, 'src/server/app.py')}`);
      const within = await grep({ pattern: 'def create_app', path: 'server' }, path.join(root, 'src'));
      expect(within.output).toBe('Found 1 file\nserver/app.py');
    });

    it('searches hidden files but not .git', async () => {
      await mkdir(path.join(root, '.git'), { recursive: true });
      await writeFile(path.join(root, '.git/config'), '[remote "origin"] actions/checkout\n');
      expect((await grep({ pattern: 'actions/checkout' })).output).toBe('Found 1 file\n.github/workflows/ci.yml');
    });
  });

  describe('content', () => {
    it("prints ripgrep's own format with line numbers and context", async () => {
      const result = await grep({ pattern: 'create_app', output_mode: 'content', path: 'src', '-C': 1 });
      expect(result.output).toBe(
        [
          'src/server/app.py-7-',
          'src/server/app.py:8:def create_app(config=None):',
          'src/server/app.py-9-    app = Flask(__name__)',
          '--',
          'src/server/app.py-16-if __name__ == "__main__":',
          'src/server/app.py:17:    create_app().run(debug=True)',
        ].join('\n'),
      );
    });

    it('prints no file name for a single file, and honours -n false and -A/-B', async () => {
      const file = path.join(root, 'src/server/routes.py');
      expect((await grep({ pattern: 'abort\\(404\\)', output_mode: 'content', path: file })).output).toBe('30:        abort(404)\n37:        abort(404)');
      expect((await grep({ pattern: 'abort\\(404\\)', output_mode: 'content', path: file, '-n': false, '-B': 1 })).output).toBe(
        ['    if task is None:', '        abort(404)', '--', '    if not store().remove(task_id):', '        abort(404)'].join('\n'),
      );
      expect((await grep({ pattern: 'def get_task', output_mode: 'content', path: file, '-A': 1 })).output).toBe(
        '27:def get_task(task_id):\n28-    task = store().get(task_id)',
      );
    });

    it('gives context precedence over -C, and -C over -A/-B', async () => {
      const file = path.join(root, 'src/server/routes.py');
      const lines = async (args: object) => (await grep({ pattern: 'def get_task', output_mode: 'content', path: file, ...args })).output.split('\n').length;
      expect(await lines({ context: 0, '-C': 2, '-A': 3 })).toBe(1);
      expect(await lines({ '-C': 2, '-A': 3 })).toBe(5);
      expect(await lines({ '-A': 3 })).toBe(4);
    });

    it('says when nothing matches', async () => {
      expect((await grep({ pattern: 'no_such_identifier_anywhere', output_mode: 'content' })).output).toBe('No matches found');
    });

    it('replaces lines over 500 columns with ripgrep’s note', async () => {
      const result = await grep({ pattern: 'createChart', output_mode: 'content' });
      expect(result.output).toBe('web/static/charts.min.js:1:[Omitted long matching line]');
    });
  });

  describe('count', () => {
    it('lists counts per file and the total', async () => {
      const result = await grep({ pattern: 'create_app', output_mode: 'count' });
      expect(result.output).toBe(
        ['README.md:2', 'docs/architecture.md:1', 'src/server/app.py:2', 'tests/conftest.py:2', '', 'Found 7 total occurrences across 4 files.'].join('\n'),
      );
      expect(result.metadata).toMatchObject({ matches: 7, files: 4 });
    });

    it('speaks in the singular', async () => {
      const result = await grep({ pattern: 'TaskStore\\(limit', output_mode: 'count' });
      expect(result.output).toBe('src/server/app.py:1\n\nFound 1 total occurrence across 1 file.');
    });
  });

  describe('pagination', () => {
    it('applies head_limit and offset and says so', async () => {
      const all = (await grep({ pattern: 'def ', output_mode: 'content' })).output.split('\n');
      const page = await grep({ pattern: 'def ', output_mode: 'content', head_limit: 3, offset: 2 });
      expect(page.output).toBe([...all.slice(2, 5), '', '[Showing results with pagination = limit: 3, offset: 2]'].join('\n'));
      expect(page.metadata).toMatchObject({ truncated: true });

      const files = (await grep({ pattern: 'def ' })).output.split('\n').slice(1);
      const filePage = await grep({ pattern: 'def ', head_limit: '2' });
      expect(filePage.output).toBe(['Found 2 files', ...files.slice(0, 2), '', '[Showing results with pagination = limit: 2, offset: 0]'].join('\n'));
    });

    it('adds no note when everything fits', async () => {
      expect((await grep({ pattern: 'def ', head_limit: 100 })).output).not.toContain('pagination');
    });

    it('caps the results when no head_limit is given', async () => {
      await mkdir(path.join(root, 'generated'));
      await writeFile(path.join(root, 'generated/many.txt'), 'needle\n'.repeat(150));
      const result = await grep({ pattern: 'needle', output_mode: 'content', path: 'generated' });
      const lines = result.output.split('\n');
      expect(lines).toHaveLength(102);
      expect(lines.at(-1)).toBe('[Showing results with pagination = limit: 100, offset: 0]');
    });

    it('reads head_limit 0 as no limit, as the trained tool does', async () => {
      await mkdir(path.join(root, 'unlimited'));
      await writeFile(path.join(root, 'unlimited/many.txt'), 'haystack\n'.repeat(150));
      const result = await grep({ pattern: 'haystack', output_mode: 'content', path: 'unlimited', head_limit: 0 });
      expect(result.output.split('\n')).toHaveLength(150);
      expect(result.output).not.toContain('pagination');
    });
  });

  describe('filters and flags', () => {
    it('filters by glob, splitting lists on commas and spaces but not inside braces', async () => {
      const files = async (glob: string) => (await grep({ pattern: 'create_app', glob })).output.split('\n').slice(1).sort();
      expect(await files('*.py')).toEqual(['src/server/app.py', 'tests/conftest.py']);
      expect(await files('*.md,*.py')).toEqual(['README.md', 'docs/architecture.md', 'src/server/app.py', 'tests/conftest.py']);
      expect(await files('*.{md,py}')).toEqual(await files('*.md *.py'));
      expect((await grep({ pattern: 'create_app', glob: '*.rs' })).output).toBe('No files found');
      expect(splitGlobs('*.ts, *.{ts,tsx} docs/**')).toEqual(['*.ts', '*.{ts,tsx}', 'docs/**']);
    });

    it('does not let a glob that matches everything pull in ignored files', async () => {
      for (const glob of ['*', '**/*', '**']) {
        expect((await grep({ pattern: 'create_app', glob })).output.split('\n')[0]).toBe('Found 4 files');
      }
    });

    it('leaves out the excluded globs (VS Code files.exclude), whatever glob the model gives', async () => {
      const ctx = contextFor(root, { exclude: ['**/docs', 'README.md'] });
      const result = await grepTool.run({ pattern: 'create_app', glob: '**/*.md' }, ctx);
      expect(result.output).toBe('No files found');
      expect((await grepTool.run({ pattern: 'create_app' }, ctx)).output.split('\n').slice(1).sort()).toEqual(['src/server/app.py', 'tests/conftest.py']);
    });

    it('accepts include and regex as aliases, and type for file types', async () => {
      expect((await grep({ regex: 'create_app', include: '*.md' })).output.split('\n')[0]).toBe('Found 2 files');
      expect((await grep({ pattern: 'fetch', type: 'ts' })).output.split('\n').slice(1).sort()).toEqual(['web/src/api.ts']);
    });

    it('searches case-insensitively with -i', async () => {
      expect((await grep({ pattern: 'CREATE_APP', path: 'src' })).output).toBe('No files found');
      expect((await grep({ pattern: 'CREATE_APP', path: 'src', '-i': 'true' })).output).toBe('Found 1 file\nsrc/server/app.py');
    });

    it('matches across lines with multiline', async () => {
      const args = { pattern: 'class TestConfig\\(Config\\):.*TESTING = True', output_mode: 'content' };
      expect((await grep(args)).output).toBe('No matches found');
      expect((await grep({ ...args, multiline: true })).output).toBe(
        'src/server/config.py:10:class TestConfig(Config):\nsrc/server/config.py:11:    TESTING = True',
      );
    });

    it('passes a pattern that starts with a dash as a pattern', async () => {
      expect((await grep({ pattern: '- run: pytest' })).output).toBe('Found 1 file\n.github/workflows/ci.yml');
    });
  });

  describe('errors', () => {
    it('says when the path does not exist', async () => {
      expect((await grep({ pattern: 'x', path: 'nope/src' })).output).toBe(
        `<tool_use_error>Path does not exist: nope/src. Note: your current working directory is ${root}.</tool_use_error>`,
      );
    });

    it('refuses paths outside the workspace', async () => {
      const result = await grep({ pattern: 'root', path: '/etc' });
      expect(result.status).toBe('refused');
      expect(result.output).toContain('is outside the workspace');
    });

    it('does not follow a symlink out of the workspace while searching', async () => {
      await symlink('/etc', path.join(root, 'etc-link'));
      expect((await grep({ pattern: 'root:x:0:0' })).output).toBe('No files found');
      expect((await grep({ pattern: 'root:', path: 'etc-link' })).status).toBe('refused');
    });

    it("passes ripgrep's message for a bad regular expression or type", async () => {
      const regex = await grep({ pattern: 'create_app(' });
      expect(regex.status).toBe('error');
      expect(regex.output).toMatch(/^<tool_use_error>[\s\S]*regex parse error[\s\S]*<\/tool_use_error>$/);
      expect((await grep({ pattern: 'x', type: 'nosuchtype' })).output).toContain('unrecognized file type: nosuchtype');
    });

    it('requires a pattern and a known output_mode', async () => {
      expect((await grep({})).output).toContain('The required parameter `pattern` is missing');
      expect((await grep({ pattern: 'x', output_mode: 'lines' })).output).toContain('The parameter `output_mode` must be one of');
    });
  });

  it('titles the card with the pattern and where it searched', () => {
    expect(grepTool.titleFor({ pattern: 'create_app', path: path.join(root, 'src') }, { cwd: root, roots: [root] })).toBe('Grep "create_app" in src');
    expect(grepTool.titleFor({ pattern: 'x', glob: '*.py' }, { cwd: root, roots: [root] })).toBe('Grep "x" (*.py)');
  });

  describe('agrees with ripgrep run directly', () => {
    const base = ['--no-config', '--hidden', '--no-require-git', '--max-columns', '500'];
    const tail = ['--glob', '!.git'];
    const cases: { name: string; args: Record<string, unknown>; rg: string[]; sorted?: boolean }[] = [
      { name: 'files', args: { pattern: 'task', head_limit: 1000 }, rg: [...base, '-l', ...tail, '--', 'task'], sorted: true },
      { name: 'files, -i, glob', args: { pattern: 'TASK', '-i': true, glob: '*.py', head_limit: 1000 }, rg: [...base, '-i', '-l', '--glob', '*.py', ...tail, '--', 'TASK'], sorted: true },
      {
        name: 'content with context',
        args: { pattern: 'return', output_mode: 'content', '-C': 2, head_limit: 1000 },
        rg: [...base, '--sort', 'path', '-n', '-C', '2', ...tail, '--', 'return'],
      },
      {
        name: 'content in a folder, type',
        args: { pattern: '\\bfetch\\b', output_mode: 'content', path: 'web', type: 'ts', head_limit: 1000 },
        rg: [...base, '--sort', 'path', '-n', '--type', 'ts', ...tail, '--', '\\bfetch\\b', 'web'],
      },
      {
        name: 'multiline content',
        args: { pattern: 'def \\w+\\(.*\\):\\n\\s+return', output_mode: 'content', multiline: true, head_limit: 1000 },
        rg: [...base, '-U', '--multiline-dotall', '--sort', 'path', '-n', ...tail, '--', 'def \\w+\\(.*\\):\\n\\s+return'],
      },
      { name: 'count', args: { pattern: 'task', output_mode: 'count', head_limit: 1000 }, rg: [...base, '-c', ...tail, '--', 'task'], sorted: true },
    ];

    for (const testCase of cases) {
      it(testCase.name, async () => {
        const result = await grep(testCase.args);
        expect(result.status).toBe('done');
        const direct = await ripgrepDirect(testCase.rg, root);
        expect(direct.length).toBeGreaterThan(0);
        let ours = result.output.split('\n');
        if (testCase.args.output_mode === undefined) ours = ours.slice(1);
        if (testCase.args.output_mode === 'count') ours = ours.slice(0, -2);
        expect(testCase.sorted ? [...ours].sort() : ours).toEqual(testCase.sorted ? [...direct].sort() : direct);
      });
    }
  });

  it('refuses to search a FIFO, which would block ripgrep', async () => {
    await mkfifo(path.join(root, 'events.fifo'));
    const result = await grep({ pattern: 'x', path: 'events.fifo' });
    expect(result.output).toBe('<tool_use_error>Cannot search events.fifo: it is neither a file nor a directory.</tool_use_error>');
  });

  it('does not start when the call has already been cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    const result = await grepTool.run({ pattern: 'x' }, contextFor(root, { signal: controller.signal }));
    expect(result.status).toBe('error');
  });
});
