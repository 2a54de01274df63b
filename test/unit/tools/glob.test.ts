import { mkdir, symlink, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileNameGlob, globTool } from '../../../src/tools/glob';
import { makeFixtureWorkspace, type FixtureWorkspace } from '../../fakes/fixtureWorkspace';
import { contextFor, ripgrepDirect } from './toolTestKit';

describe('Glob', () => {
  let workspace: FixtureWorkspace;
  let root: string;
  const glob = (args: unknown, cwd = root) => globTool.run(args, contextFor(root, { cwd }));
  const oldestFirst = (files: string[]) =>
    [...files].sort((a, b) => workspace.mtimeOf(a) - workspace.mtimeOf(b) || a.localeCompare(b)).map((file) => path.join(root, file));

  beforeAll(async () => {
    workspace = await makeFixtureWorkspace();
    root = workspace.root;
  });
  afterAll(() => workspace.cleanup());

  it('lists absolute paths, oldest first', async () => {
    const result = await glob({ pattern: '**/*.py' });
    const files = ['src/server/__init__.py', 'src/server/app.py', 'src/server/config.py', 'src/server/models.py', 'src/server/routes.py', 'tests/conftest.py', 'tests/test_routes.py'];
    expect(result.status).toBe('done');
    expect(result.output).toBe(oldestFirst(files).join('\n'));
    expect(result.metadata).toEqual({ files: 7, shown: 7, truncated: false });
  });

  it('orders by modification time, not by name', async () => {
    const dir = path.join(root, 'timeline');
    await mkdir(dir);
    const times: Record<string, number> = { 'a.txt': 300, 'b.txt': 100, 'c.txt': 200, 'd.txt': 100 };
    for (const [name, seconds] of Object.entries(times)) {
      await writeFile(path.join(dir, name), name);
      await utimes(path.join(dir, name), 1_700_000_000 + seconds, 1_700_000_000 + seconds);
    }
    const result = await glob({ pattern: '*.txt', path: dir });
    // Equal times fall back to the path.
    expect(result.output).toBe(['b.txt', 'd.txt', 'c.txt', 'a.txt'].map((name) => path.join(dir, name)).join('\n'));
  });

  it('leaves out ignored files and .git, keeps other hidden files', async () => {
    await mkdir(path.join(root, '.git'), { recursive: true });
    await writeFile(path.join(root, '.git/HEAD'), 'ref: refs/heads/main\n');
    const all = (await glob({ pattern: '**/*' })).output.split('\n');
    expect(all).toContain(path.join(root, '.github/workflows/ci.yml'));
    expect(all).toContain(path.join(root, '.gitignore'));
    for (const ignored of ['node_modules', 'build', '.env', '.git/']) {
      expect(all.filter((file) => file.startsWith(path.join(root, ignored)))).toEqual([]);
    }
  });

  it('keeps ignored files out even when the pattern names them', async () => {
    expect((await glob({ pattern: '**/.env' })).output).toBe('No files found');
    expect((await glob({ pattern: 'build/**' })).output).toBe('No files found');
    // The pattern matches the ignored folder itself, and the file inside it.
    await mkdir(path.join(root, 'src/server/__pycache__'));
    await writeFile(path.join(root, 'src/server/__pycache__/cache_notes.txt'), '');
    expect((await glob({ pattern: '**/*cache*' })).output).toBe('No files found');
  });

  it('leaves out the excluded globs (VS Code files.exclude) even when the pattern names them', async () => {
    const ctx = contextFor(root, { exclude: ['**/tests', '**/*.md'] });
    const result = await globTool.run({ pattern: '**/*.{py,md}' }, ctx);
    expect(result.output.split('\n').map((file) => path.relative(root, file)).sort()).toEqual([
      'src/server/__init__.py',
      'src/server/app.py',
      'src/server/config.py',
      'src/server/models.py',
      'src/server/routes.py',
    ]);
  });

  it('searches the directory given as path, relative to the working directory', async () => {
    const result = await glob({ pattern: '*.ts', path: 'web' });
    expect(result.output.split('\n').sort()).toEqual([path.join(root, 'web/src/api.ts'), path.join(root, 'web/src/main.ts')]);
    const fromSrc = await glob({ pattern: 'server/*.py', path: '.' }, path.join(root, 'src'));
    expect(fromSrc.output.split('\n')).toHaveLength(5);
  });

  it('takes the directory from an absolute pattern', async () => {
    const result = await glob({ pattern: path.join(root, 'web/**/*.ts') });
    expect(result.output.split('\n').sort()).toEqual([path.join(root, 'web/src/api.ts'), path.join(root, 'web/src/main.ts')]);
  });

  it('says when nothing matches', async () => {
    expect((await glob({ pattern: '**/*.rs' })).output).toBe('No files found');
  });

  it('shows at most 100 files, then says the list is truncated', async () => {
    const dir = path.join(root, 'many');
    await mkdir(dir);
    for (let i = 0; i < 150; i++) await writeFile(path.join(dir, `file${String(i).padStart(3, '0')}.md`), '');
    const result = await glob({ pattern: '*.md', path: dir });
    const lines = result.output.split('\n');
    expect(lines).toHaveLength(101);
    expect(lines[100]).toBe('(Results are truncated. Consider using a more specific path or pattern.)');
    expect(result.metadata).toEqual({ files: 150, shown: 100, truncated: true });
  });

  it('picks the oldest hundred by time, then by path, when more than a hundred share a time', async () => {
    // ripgrep lists equal times in its walk's order, spread over folders; the cut must not depend on it.
    const dir = path.join(root, 'ties');
    const names: string[] = [];
    for (const folder of ['z', 'm', 'a']) {
      await mkdir(path.join(dir, folder), { recursive: true });
      for (let i = 0; i < 60; i++) {
        const name = `${folder}/f${String(i).padStart(2, '0')}.txt`;
        await writeFile(path.join(dir, name), '');
        // Two older files; the other 178 share one time.
        const seconds = name === 'z/f59.txt' ? 10 : name === 'm/f30.txt' ? 20 : 500;
        await utimes(path.join(dir, name), 1_700_000_000 + seconds, 1_700_000_000 + seconds);
        names.push(name);
      }
    }
    const result = await glob({ pattern: '**/*.txt', path: dir });
    const tied = names.filter((name) => name !== 'z/f59.txt' && name !== 'm/f30.txt').sort();
    const expected = ['z/f59.txt', 'm/f30.txt', ...tied].slice(0, 100).map((name) => path.join(dir, name));
    expect(result.output.split('\n').slice(0, 100)).toEqual(expected);
    expect(result.metadata).toEqual({ files: 180, shown: 100, truncated: true });
  });

  it.each(['**/*', '**/*.{py,ts,json}', 'src/**', '*.md'])('agrees with ripgrep --files run directly: %s', async (pattern) => {
    const lines = (await glob({ pattern })).output.split('\n');
    const ours = lines.filter((line) => path.isAbsolute(line)).map((file) => path.relative(root, file));
    const flags = ['--no-config', '--hidden', '--no-require-git', '--files'];
    const matching = await ripgrepDirect([...flags, '--glob', pattern, '--glob', '!.git'], root);
    const notIgnored = new Set(await ripgrepDirect([...flags, '--glob', '!.git'], root));
    const expected = matching.filter((file) => notIgnored.has(file));
    expect(ours.length).toBe(Math.min(expected.length, 100));
    if (expected.length <= 100) expect([...ours].sort()).toEqual([...expected].sort());
    else expect(expected).toEqual(expect.arrayContaining(ours));
  });

  describe('where .gitignore leaves out some files of a name and keeps others', () => {
    let tree: string;
    const files = [
      'src/a/x.py', 'src/a/skip.py', 'src/b.py', 'src/{h}.py', 'src/g.log', 'src/deep/keep.log', 'src/deep/drop.log',
      'build/c.py', 'src/__pycache__/cache.txt', 'deep', '#x.py', '.hid/d.py', '.e.py', 'f.log', 'keep.log', 'docs/x.py', 'docs/notes.md', 'a:b.txt',
    ];
    beforeAll(async () => {
      tree = path.join(root, 'ignore-mix');
      for (const file of files) {
        await mkdir(path.dirname(path.join(tree, file)), { recursive: true });
        await writeFile(path.join(tree, file), file);
      }
      await writeFile(path.join(tree, '.gitignore'), 'build/\n__pycache__/\n*.log\nsrc/a/skip.py\n!keep.log\n');
      await writeFile(path.join(tree, 'src/deep/.gitignore'), '!drop.log\n*.md\n');
    });

    it.each([
      '**/*.py', 'src/**/*.py', '*.log', '**/*.log', '**/{x,skip}.py', '**/*.{py,log}', '{src,docs}/**/x.py', 'src/[a-c]/*.py',
      'src/{a,deep}/*', '**/keep.log', '*', 'src/**', '**/deep', 'deep', '**/*cache*', '#x.py', 'x.py ', '**/x.py ', '**/a:b.txt', 'src/[{]h[}].py', 'src/{h}.py',
    ])('lists what ripgrep lists with the glob, less what it leaves out without: %s', async (pattern) => {
      const lines = (await globTool.run({ pattern }, contextFor(root, { cwd: tree }))).output.split('\n');
      const ours = lines.filter((line) => path.isAbsolute(line)).map((file) => path.relative(tree, file));
      const flags = ['--no-config', '--hidden', '--no-require-git', '--files'];
      const matching = await ripgrepDirect([...flags, '--glob', pattern, '--glob', '!.git'], tree);
      const notIgnored = new Set(await ripgrepDirect([...flags, '--glob', '!.git'], tree));
      expect(ours.sort()).toEqual(matching.filter((file) => notIgnored.has(file)).sort());
    });

    it('names the file glob only where every match must have it', () => {
      expect(fileNameGlob('**/*.py')).toBe('*.py');
      expect(fileNameGlob('*.{py,log}')).toBe('*.{py,log}');
      expect(fileNameGlob('{src,docs}/**/x.py')).toBe('x.py');
      // A brace inside a class (`[{]`) looks unbalanced: such a name is left to the full listing, which is slower, never wrong.
      for (const spans of ['src/**', 'src/', '**/a:b.txt', '{src/a.ts,lib/b.ts}', 'src/[/]x', 'src/\\*.py', '!*.py', 'a**b', 'src/[{]x.py']) {
        expect(fileNameGlob(spans)).toBeUndefined();
      }
    });
  });

  describe('errors', () => {
    it('says when the directory does not exist or is a file', async () => {
      const message = (dir: string) => `<tool_use_error>Directory does not exist: ${dir}. Note: your current working directory is ${root}.</tool_use_error>`;
      expect((await glob({ pattern: '*', path: 'nope' })).output).toBe(message('nope'));
      expect((await glob({ pattern: '*', path: 'README.md' })).output).toBe(message('README.md'));
    });

    it('refuses directories outside the workspace, also through a symlink', async () => {
      expect((await glob({ pattern: '*', path: '/etc' })).status).toBe('refused');
      expect((await glob({ pattern: '/etc/*' })).status).toBe('refused');
      await symlink('/etc', path.join(root, 'etc-link'));
      const linked = await glob({ pattern: '*', path: 'etc-link' });
      expect(linked.status).toBe('refused');
      expect(linked.output).toContain('is outside the workspace');
    });

    it('does not follow symlinks out of the workspace while listing', async () => {
      const all = (await glob({ pattern: '**/passwd' })).output;
      expect(all).toBe('No files found');
    });

    it('explains a bad pattern', async () => {
      const result = await glob({ pattern: '**/[' });
      expect(result.status).toBe('error');
      expect(result.output).toMatch(/^<tool_use_error>.*glob/s);
    });

    it('requires a pattern', async () => {
      expect((await glob({ path: root })).output).toContain('The required parameter `pattern` is missing');
    });
  });

  it('titles the card with the pattern', () => {
    expect(globTool.titleFor({ pattern: '**/*.py' }, { cwd: root, roots: [root] })).toBe('Glob **/*.py');
    expect(globTool.titleFor({ pattern: '*.ts', path: path.join(root, 'web') }, { cwd: root, roots: [root] })).toBe('Glob *.ts in web');
    expect(globTool.titleFor({ pattern: path.join(root, 'web/**/*.ts') }, { cwd: root, roots: [root] })).toBe('Glob web/**/*.ts');
  });

  it('does not start when the call has already been cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    const result = await globTool.run({ pattern: '**/*' }, contextFor(root, { signal: controller.signal }));
    expect(result.status).toBe('error');
  });
});
