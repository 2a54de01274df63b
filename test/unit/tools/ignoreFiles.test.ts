import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, realpath, rm, symlink, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { bashTool } from '../../../src/tools/bash';
import type { ToolResult } from '../../../src/tools/defineTool';
import { globTool } from '../../../src/tools/glob';
import { grepTool } from '../../../src/tools/grep';
import { mkfifo } from './fifo';
import { contextFor } from './toolTestKit';

/**
 * ripgrep opens .gitignore, .ignore and .rgignore with symlinks followed and prints the lines it
 * cannot parse as globs. A hostile repository links them to files outside the workspace; none of
 * those files' lines, nor the extension host's environment, may come back through any search.
 */
describe('ignore files a hostile repository plants', () => {
  let base: string;
  let root: string;
  let canary: string;
  // `[z-a]` (a range backwards) makes a line an invalid glob, so ripgrep would quote it in its error output.
  const secret = `CANARY-${randomUUID()}`;
  const environmentSecret = `ENV-CANARY-${randomUUID()}`;
  let planted: string[] = [];

  beforeAll(async () => {
    process.env.LOCOOPERATOR_CANARY_SECRET = `${environmentSecret}[z-a]`;
    base = await realpath(await mkdtemp(path.join(tmpdir(), 'loco-ignore-')));
    canary = path.join(base, 'canary.txt');
    await writeFile(canary, `${secret}[z-a]\n`);
    root = path.join(base, 'workspace');
    await mkdir(path.join(root, 'src', 'deep'), { recursive: true });
    await mkdir(path.join(root, 'node_modules', 'dep'), { recursive: true });
    await writeFile(path.join(root, 'src', 'deep', 'app.py'), 'needle = 1\n');
    await writeFile(path.join(root, 'src', 'deep', 'build.log'), 'needle in a log\n');
    await writeFile(path.join(root, 'node_modules', 'dep', 'index.js'), 'needle\n');
    await writeFile(path.join(root, '.gitignore'), 'node_modules/\n*.log\n');
  });
  afterAll(async () => {
    delete process.env.LOCOOPERATOR_CANARY_SECRET;
    await rm(base, { recursive: true, force: true });
  });
  afterEach(async () => {
    await Promise.all(planted.map((folder) => rm(folder, { recursive: true, force: true })));
    planted = [];
  });

  /** A planted file in a folder of its own, so that no earlier search of that folder was trusted. */
  async function plant(name: string, make: (file: string) => Promise<void>): Promise<{ folder: string; file: string }> {
    const folder = path.join(root, `case-${randomUUID().slice(0, 8)}`);
    await mkdir(path.join(folder, 'inner'), { recursive: true });
    await writeFile(path.join(folder, 'inner', 'code.py'), 'needle = 2\n');
    const file = path.join(folder, 'inner', name);
    await make(file);
    planted.push(folder);
    return { folder, file };
  }

  const searches = (folder: string): Array<Promise<ToolResult>> => {
    const ctx = contextFor(root);
    return [
      grepTool.run({ pattern: 'needle', path: folder }, ctx),
      grepTool.run({ pattern: 'needle', path: folder, output_mode: 'content' }, ctx),
      globTool.run({ pattern: '**/*.py', path: folder }, ctx),
      bashTool.run({ command: `rg needle ${path.relative(root, folder)}` }, ctx),
      bashTool.run({ command: `rg --files ${path.relative(root, folder)}` }, ctx),
    ];
  };

  function expectNothingLeaked(result: ToolResult): void {
    expect(result.output).not.toContain(secret);
    expect(result.output).not.toContain(environmentSecret);
  }

  it.each([
    ['.ignore', 'the canary file', () => canary],
    ['.gitignore', '/proc/self/environ', () => '/proc/self/environ'],
    ['.rgignore', 'a folder outside', () => base],
    ['.gitignore', 'nothing (a dangling link)', () => path.join(base, 'missing')],
  ])('refuses to search a tree whose %s links to %s, naming the file', async (name, _target, target) => {
    const { folder } = await plant(name, (file) => symlink(target(), file));
    const shown = `${path.relative(root, folder)}/inner/${name}`;
    for (const result of await Promise.all(searches(folder))) {
      expectNothingLeaked(result);
      expect(result.output).toContain(`${shown} is a symbolic link that leads outside the workspace, and ripgrep would read it as an ignore file`);
    }
    const grep = await grepTool.run({ pattern: 'needle', path: folder }, contextFor(root));
    expect(grep.status).toBe('refused');
    expect(grep.output).toBe(
      `<tool_use_error>Cannot search here: ${shown} is a symbolic link that leads outside the workspace, and ripgrep would read it as an ignore file. ` +
        'Search a folder that does not contain it.</tool_use_error>',
    );
  });

  it('refuses an ignore file that is a FIFO rather than hang on it', async () => {
    if (process.platform === 'win32') return;
    const { folder } = await plant('.ignore', mkfifo);
    for (const result of await Promise.all(searches(folder))) {
      expect(result.output).toContain('inner/.ignore is not a regular file, and ripgrep would read it as an ignore file');
    }
  });

  it('finds an unsafe ignore file hundreds of folders deep', async () => {
    if (process.platform === 'win32') return;
    const { folder } = await plant('code.py', (file) => writeFile(file, 'needle = 3\n'));
    const deep = path.join(folder, ...Array.from({ length: 250 }, () => 'd'));
    await mkdir(deep, { recursive: true });
    await mkfifo(path.join(deep, '.rgignore'));
    const result = await globTool.run({ pattern: '**/*.py', path: folder }, contextFor(root));
    expect(result.output).toContain('/d/.rgignore is not a regular file, and ripgrep would read it as an ignore file');
  });

  it('reads an ignore file linked to another file inside the workspace', async () => {
    await writeFile(path.join(root, 'shared-rules'), '*.py\n');
    const { folder } = await plant('.ignore', (file) => symlink(path.join(root, 'shared-rules'), file));
    const result = await grepTool.run({ pattern: 'needle', path: folder }, contextFor(root));
    expect(result).toMatchObject({ status: 'done', output: 'No files found' });
  });

  it('keeps applying the rules of the folders above a searched subfolder, up to the workspace root', async () => {
    const ctx = contextFor(root);
    const grep = await grepTool.run({ pattern: 'needle', path: 'src' }, ctx);
    expect(grep.output).toBe('Found 1 file\nsrc/deep/app.py');
    const glob = await globTool.run({ pattern: '**/*', path: path.join(root, 'src', 'deep') }, ctx);
    expect(glob.output).toBe(path.join(root, 'src', 'deep', 'app.py'));
    const bash = await bashTool.run({ command: 'rg -l needle src' }, ctx);
    expect(bash.output).toBe('src/deep/app.py');
  });

  it('applies no rule of an ignore file above the workspace and never shows its lines', async () => {
    // ripgrep still opens these (to find the repository); a link there may be a dotfile manager's.
    await writeFile(path.join(base, '.ignore'), '*.py\n');
    await symlink(canary, path.join(base, '.rgignore'));
    try {
      const ctx = contextFor(root);
      for (const result of await Promise.all([
        grepTool.run({ pattern: 'needle', path: 'src' }, ctx),
        globTool.run({ pattern: '**/*.py' }, ctx),
        bashTool.run({ command: 'rg -l needle src' }, ctx),
      ])) {
        expectNothingLeaked(result);
        expect(result.status).toBe('done');
        expect(result.output).toContain('app.py');
      }
    } finally {
      await rm(path.join(base, '.ignore'), { force: true });
      await rm(path.join(base, '.rgignore'), { force: true });
    }
  });

  it('refuses to search below a FIFO ignore file above the workspace, which ripgrep would block on', async () => {
    if (process.platform === 'win32') return;
    await mkfifo(path.join(base, '.gitignore'));
    try {
      const result = await grepTool.run({ pattern: 'needle' }, contextFor(root));
      expect(result.output).toBe(
        `<tool_use_error>Cannot search here: ${path.join(base, '.gitignore')} is not a regular file, and ripgrep would read it as an ignore file. ` +
          'It lies above the workspace, where ripgrep reads it for every search.</tool_use_error>',
      );
    } finally {
      await rm(path.join(base, '.gitignore'), { force: true });
    }
  });

  it('refuses an ignore file of gigabytes, which ripgrep would read whole', async () => {
    const { folder } = await plant('.gitignore', async (file) => {
      await writeFile(file, 'dist/\n');
      await truncate(file, 8 * 1024 ** 3);
    });
    const result = await grepTool.run({ pattern: 'needle', path: folder }, contextFor(root));
    expect(result.output).toContain('inner/.gitignore is larger than 1MB, and ripgrep would read it as an ignore file');
  });
});
