import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { rgPath } from '@vscode/ripgrep';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grepTool } from '../../../src/tools/grep';
import { readTool } from '../../../src/tools/read';
import { hashTree, runBash } from './workspace';
import { makeOverlongPath } from '../../fakes/overlongPath';

/**
 * One reading of every path: the host reads each path a real program (ripgrep) will open as the
 * kernel does, and hands the program that reading, never the model's text. Each case here is one
 * where the two readings differed and a file outside the workspace came back: `..` after a link
 * (taken lexically by Node, physically by the kernel), a link through `/proc/self/cwd` (dangling
 * for the host, live for a child working in the workspace), a path past PATH_MAX (which Node
 * could not resolve and so judged by a folder above it).
 */
describe('one reading of every path, for the programs the tools start', () => {
  let base: string;
  let root: string;
  let secret: string;
  let before: string;
  const outsideName = 'outside';

  beforeAll(async () => {
    base = await realpath(await mkdtemp(path.join(tmpdir(), 'loco-readings-')));
    root = path.join(base, 'ws');
    secret = `CANARY-${randomUUID()}`;
    const outside = path.join(base, outsideName);
    await mkdir(path.join(outside, 'deep'), { recursive: true });
    // Unbalanced in a regex and in a glob: ripgrep quotes such a line in its error for -f and --ignore-file.
    await writeFile(path.join(outside, 'secret.txt'), `${secret}({\n`);
    await writeFile(path.join(outside, `${secret}.name`), 'x\n');
    await mkdir(path.join(root, 'src'), { recursive: true });
    await mkdir(path.join(root, 'ig'), { recursive: true });
    await writeFile(path.join(root, 'src', 'app.py'), 'def main():\n    return 1\n');
    await writeFile(path.join(root, 'ig', 'notes.txt'), 'x marks\n');
    // `lnk/..` is `outside/` for the kernel, and `ws/` when taken lexically.
    await symlink(path.join(outside, 'deep'), path.join(root, 'lnk'));
    // Dangling for the host (its working folder is elsewhere), live for a program run in `ws/`.
    await symlink(`/proc/self/cwd/../${outsideName}/secret.txt`, path.join(root, 'pc'));
    await symlink(`/proc/self/cwd/../${outsideName}/secret.txt`, path.join(root, 'ig', '.gitignore'));
    // Links inside, for the output to show the text the model wrote.
    await symlink('src', path.join(root, 'src-link'));
    before = await hashTree(root);
  });
  afterAll(async () => {
    await rm(base, { recursive: true, force: true });
  });

  const bash = (command: string) => runBash(root, { command });

  it.each([
    'rg -n CANARY lnk/../secret.txt',
    'grep -rn CANARY lnk/..',
    'grep -rn CANARY lnk/../',
    'rg --files lnk/..',
    'rg -l x lnk/../deep/..',
    'echo lnk/../secret.txt | xargs rg CANARY',
    'echo lnk/.. | xargs rg --files',
    'rg -f lnk/../secret.txt .',
    'rg --ignore-file lnk/../secret.txt x',
    'rg --ignore-file=lnk/../secret.txt x',
    'rg -n CANARY pc',
    'rg CANARY src/../pc',
    'cd src && rg CANARY ../pc',
    'grep -rn CANARY pc',
    'cat pc',
    'rg -f pc .',
    'rg x ig',
    'rg x',
  ])('keeps %j from printing a file outside the workspace', async (command) => {
    const result = await bash(command);
    expect(result.output).not.toContain(secret);
  });

  it('says why: outside the workspace, or a path that cannot be read as the program would read it', async () => {
    expect((await bash('rg -n CANARY lnk/../secret.txt')).output).toMatch(/outside the workspace/);
    expect((await bash('rg -n CANARY pc')).output).toMatch(/outside the workspace/);
    expect((await bash('rg x ig')).output).toMatch(/ig\/\.gitignore is a symbolic link that leads outside the workspace/);
  });

  it('refuses a path longer than the kernel resolves rather than judging a folder above it', async () => {
    const overlong = await makeOverlongPath(root, path.join(base, outsideName));
    try {
      const long = `${overlong.given}/secret.txt`;
      for (const command of [`rg CANARY ${long}`, `grep -rn CANARY ${long}`, `cat ${long}`, `echo ${long} | xargs rg CANARY`]) {
        const result = await bash(command);
        expect(result.output, command).not.toContain(secret);
      }
      const read = await readTool.run({ file_path: long }, { cwd: root, roots: [root], signal: new AbortController().signal });
      expect(read.output).not.toContain(secret);
      expect(read.output).toMatch(/too long to resolve/);
      const grep = await grepTool.run({ pattern: 'CANARY', path: long, output_mode: 'content' }, { cwd: root, roots: [root], signal: new AbortController().signal });
      expect(grep.output).not.toContain(secret);
    } finally {
      await overlong.remove();
    }
  });

  it('gives Grep the same reading: a link through /proc/self/cwd is outside', async () => {
    const grep = await grepTool.run({ pattern: 'CANARY', path: 'pc', output_mode: 'content' }, { cwd: root, roots: [root], signal: new AbortController().signal });
    expect(grep.status).toBe('refused');
    expect(grep.output).not.toContain(secret);
  });

  it.each([
    'rg -n def src-link',
    'rg -n def src-link/',
    'rg -n def ./src',
    'rg -c def src src-link/app.py',
    'rg --files src-link',
    'rg --files --null src-link',
    'rg -l def src-link/../src-link',
    'rg --heading -n def src-link',
    'rg --vimgrep def src-link',
    'rg --path-separator : -n def src-link',
    'rg -n def missing/app.py src-link',
  ])('prints %j with the paths as the model wrote them, as ripgrep run on the text would', async (command) => {
    const args = command.split(' ').slice(1);
    let expected = '';
    try {
      expected = execFileSync(rgPath, ['--no-config', ...args], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (error) {
      expected = (error as { stdout: string }).stdout;
    }
    const result = await bash(command);
    const shown = result.output.replace(/^Exit code \d+\n/, '');
    for (const line of expected.split('\n').filter(Boolean)) expect(shown).toContain(line);
  });

  it('writes nothing', async () => {
    expect(await hashTree(root)).toBe(before);
  });
});
