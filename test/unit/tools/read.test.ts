import { mkdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTool } from '../../../src/tools/read';
import { makeFixtureWorkspace, type FixtureWorkspace } from '../../fakes/fixtureWorkspace';
import { mkfifo } from './fifo';
import { contextFor } from './toolTestKit';

describe('Read', () => {
  let workspace: FixtureWorkspace;
  let root: string;
  const read = (args: unknown, cwd = root) => readTool.run(args, contextFor(root, { cwd }));

  beforeAll(async () => {
    workspace = await makeFixtureWorkspace();
    root = workspace.root;
  });
  afterAll(() => workspace.cleanup());

  describe('output format', () => {
    it('numbers each line in six columns followed by an arrow', async () => {
      const result = await read({ file_path: path.join(root, 'src/server/config.py') });
      expect(result.status).toBe('done');
      expect(result.output.split('\n').slice(0, 4)).toEqual([
        '     1→import os',
        '     2→',
        '     3→',
        '     4→class Config:',
      ]);
      // The final newline does not make a 13th, empty line.
      expect(result.output.split('\n')).toHaveLength(12);
      expect(result.output.endsWith('    12→    MAX_TASKS = 10')).toBe(true);
    });

    it('shows the window that offset and limit name, numbered from the file start', async () => {
      const result = await read({ file_path: path.join(root, 'src/server/app.py'), offset: 8, limit: 2 });
      expect(result.output).toBe('     8→def create_app(config=None):\n     9→    app = Flask(__name__)');
      expect(result.title).toBe('Read src/server/app.py:8-9');
      expect(result.metadata).toMatchObject({ startLine: 8, lines: 2 });
    });

    it('does not pad numbers of six digits or more', async () => {
      const file = path.join(root, 'many-lines.txt');
      await writeFile(file, Array.from({ length: 1_000_001 }, (_, i) => `l${i + 1}`).join('\n'));
      const result = await read({ file_path: file, offset: 99_999, limit: 2 });
      expect(result.output).toBe(' 99999→l99999\n100000→l100000');
      const end = await read({ file_path: file, offset: 1_000_000, limit: 5 });
      expect(end.output).toBe('1000000→l1000000\n1000001→l1000001');
    });

    it('shows at most 2000 lines by default and as the largest limit', async () => {
      const file = path.join(root, 'long-file.txt');
      await writeFile(file, Array.from({ length: 2500 }, (_, i) => `line ${i + 1}`).join('\n') + '\n');
      for (const args of [{ file_path: file }, { file_path: file, limit: 5000 }]) {
        const lines = (await read(args)).output.split('\n');
        expect(lines).toHaveLength(2000);
        expect(lines.at(-1)).toBe('  2000→line 2000');
      }
    });

    it('cuts lines longer than 2000 characters', async () => {
      const result = await read({ file_path: path.join(root, 'web/static/charts.min.js') });
      const [line] = result.output.split('\n');
      expect(line).toHaveLength('     1→'.length + 2000);
      expect(line!.startsWith('     1→/*! tiny-charts v2.1.0')).toBe(true);
    });

    it('splits lines on CRLF as well as LF', async () => {
      const file = path.join(root, 'windows.txt');
      await writeFile(file, 'first\r\nsecond\nthird\r\n');
      expect((await read({ file_path: file })).output).toBe('     1→first\n     2→second\n     3→third');
    });

    it('reads paths relative to the working directory', async () => {
      const result = await read({ file_path: 'server/routes.py', limit: 1 }, path.join(root, 'src'));
      expect(result.output).toBe('     1→from flask import Blueprint, abort, current_app, jsonify, request');
    });
  });

  describe('warnings and errors', () => {
    it('warns about an empty file', async () => {
      const result = await read({ file_path: path.join(root, 'src/server/__init__.py') });
      expect(result.output).toBe('<system-reminder>Warning: the file exists but the contents are empty.</system-reminder>');
    });

    it('warns when the offset is past the end', async () => {
      const result = await read({ file_path: path.join(root, 'src/server/config.py'), offset: 100 });
      expect(result.output).toBe(
        '<system-reminder>Warning: the file exists but is shorter than the provided offset (100). The file has 12 lines.</system-reminder>',
      );
    });

    it('says a missing file does not exist, suggesting a near name', async () => {
      const typo = await read({ file_path: path.join(root, 'src/server/model.py') });
      expect(typo.status).toBe('error');
      expect(typo.output).toBe(
        `File does not exist. Note: your current working directory is ${root}. Did you mean ${path.join(root, 'src/server/models.py')}?`,
      );
      const otherExtension = await read({ file_path: path.join(root, 'src/server/app.ts') });
      expect(otherExtension.output).toContain(`Did you mean ${path.join(root, 'src/server/app.py')}?`);
      const unrelated = await read({ file_path: path.join(root, 'src/server/zebra_handler.py') });
      expect(unrelated.output).toBe(`File does not exist. Note: your current working directory is ${root}.`);
      const deep = await read({ file_path: path.join(root, 'no/such/dir/file.py') });
      expect(deep.output).toBe(`File does not exist. Note: your current working directory is ${root}.`);
    });

    it('refuses a directory as the read(2) error would, and says what to use instead', async () => {
      const result = await read({ file_path: path.join(root, 'src') });
      expect(result.output).toBe(`EISDIR: illegal operation on a directory, read '${path.join(root, 'src')}'. It is a directory: list it with Glob or Bash (ls), and Read a file in it.`);
      expect(result.status).toBe('error');
    });

    it('refuses what is not a regular file (a FIFO would block)', async () => {
      await mkfifo(path.join(root, 'events.fifo'));
      expect((await read({ file_path: path.join(root, 'events.fifo') })).output).toBe(
        `This tool cannot read ${path.join(root, 'events.fifo')}: it is not a regular file.`,
      );
    });

    it('refuses binary files by extension and by content', async () => {
      expect((await read({ file_path: path.join(root, 'web/static/logo.png') })).output).toBe(
        'This tool cannot read binary files. The file appears to be a binary .png file. Please use appropriate tools for binary file analysis.',
      );
      await writeFile(path.join(root, 'records.dat'), Buffer.from([0x52, 0x45, 0x43, 0x00, 0x01, 0x02, 0x0a]));
      expect((await read({ file_path: path.join(root, 'records.dat') })).output).toContain('appears to be a binary .dat file.');
      await writeFile(path.join(root, 'blob'), Buffer.from([0x00, 0xff, 0x10]));
      expect((await read({ file_path: path.join(root, 'blob') })).output).toContain('The file appears to be a binary file.');
    });

    it('refuses a whole read over 256KB but serves a window of it', async () => {
      const file = path.join(root, 'big.log');
      await writeFile(file, `${'x'.repeat(99)}\n`.repeat(3000));
      const whole = await read({ file_path: file });
      expect(whole.status).toBe('error');
      expect(whole.output).toBe(
        'File content (293KB) exceeds maximum allowed size (256KB). Use offset and limit parameters to read specific portions of the file, or search for specific content instead of reading the whole file.',
      );
      const window = await read({ file_path: file, offset: 2999, limit: 10 });
      expect(window.output.split('\n')).toEqual([`  2999→${'x'.repeat(99)}`, `  3000→${'x'.repeat(99)}`]);
    });
  });

  describe('arguments', () => {
    it('accepts path and filePath for file_path, and numbers written as strings', async () => {
      const file = path.join(root, 'src/server/app.py');
      const expected = '     8→def create_app(config=None):';
      expect((await read({ path: file, offset: '8', limit: '1' })).output).toBe(expected);
      expect((await read({ filePath: file, offset: 8, limit: 1 })).output).toBe(expected);
    });

    it('accepts and ignores pages', async () => {
      expect((await read({ file_path: path.join(root, 'README.md'), pages: '1-2', limit: 1 })).output).toBe('     1→# Tasklist');
    });

    it('explains missing and unexpected parameters', async () => {
      expect((await read({})).output).toBe(
        '<tool_use_error>InputValidationError: Read failed due to the following issue:\nThe required parameter `file_path` is missing</tool_use_error>',
      );
      expect((await read({ file_path: path.join(root, 'README.md'), limit: 'ten' })).output).toContain(
        'The parameter `limit` type is expected as `number` but provided as `string`',
      );
    });

    it('titles the card with the workspace-relative path', () => {
      const ctx = { cwd: root, roots: [root] };
      expect(readTool.titleFor({ file_path: path.join(root, 'src/server/app.py') }, ctx)).toBe('Read src/server/app.py');
      expect(readTool.titleFor({ file_path: path.join(root, 'src/server/app.py'), offset: 10, limit: 51 }, ctx)).toBe('Read src/server/app.py:10-60');
      expect(readTool.titleFor({ file_path: path.join(root, 'src/server/app.py'), offset: 10 }, ctx)).toBe('Read src/server/app.py:10');
    });

    it('labels the card as links are labelled: from the root, not the working folder, with the root named when there are several', () => {
      const scoped = { cwd: path.join(root, 'src/server'), roots: [root] };
      expect(readTool.titleFor({ file_path: 'app.py' }, scoped)).toBe('Read src/server/app.py');
      const twoRoots = { cwd: root, roots: [root, '/other/ws-b'] };
      expect(readTool.titleFor({ file_path: '/other/ws-b/src/cart.ts', offset: 11, limit: 5 }, twoRoots)).toBe('Read ws-b/src/cart.ts:11-15');
      expect(readTool.titleFor({ file_path: path.join(root, 'README.md') }, twoRoots)).toBe(`Read ${path.basename(root)}/README.md`);
    });
  });

  describe('confinement', () => {
    const refused = (output: string) => expect(output).toMatch(/^<tool_use_error>Access denied: .* is outside the workspace\./);

    it('refuses absolute paths outside the workspace, existing or not', async () => {
      for (const file of ['/etc/passwd', '/etc/no-such-file']) {
        const result = await read({ file_path: file });
        expect(result.status).toBe('refused');
        refused(result.output);
        expect(result.output).not.toContain('root:');
      }
    });

    it('refuses climbing out with ..', async () => {
      const result = await read({ file_path: '../../../../../../etc/passwd' });
      refused(result.output);
    });

    it('refuses a symlink that leads out of the workspace, but follows one that stays inside', async () => {
      await symlink('/etc/passwd', path.join(root, 'passwd-link'));
      refused((await read({ file_path: path.join(root, 'passwd-link') })).output);
      await mkdir(path.join(root, 'links'));
      await symlink('/etc', path.join(root, 'links/etc'));
      refused((await read({ file_path: path.join(root, 'links/etc/hostname') })).output);
      await symlink(path.join(root, 'README.md'), path.join(root, 'readme-link'));
      expect((await read({ file_path: path.join(root, 'readme-link'), limit: 1 })).output).toBe('     1→# Tasklist');
    });

    it('does not expand ~', async () => {
      const result = await read({ file_path: '~/.ssh/id_rsa' });
      expect(result.status).toBe('error');
      expect(result.output).toContain('starts with ~, which is not expanded');
    });

    it('reads in any of several workspace roots', async () => {
      const other = await makeFixtureWorkspace();
      try {
        const ctx = contextFor(root, { roots: [root, other.root] });
        const result = await readTool.run({ file_path: path.join(other.root, 'README.md'), limit: 1 }, ctx);
        expect(result.output).toBe('     1→# Tasklist');
        // Labelled by its root, as links and scopes are.
        expect(result.title).toBe(`Read ${path.basename(other.root)}/README.md:1-1`);
      } finally {
        await other.cleanup();
      }
    });

    it('accepts a name that merely starts with two dots', async () => {
      await writeFile(path.join(root, '..notes'), 'kept\n');
      expect((await read({ file_path: path.join(root, '..notes') })).output).toBe('     1→kept');
    });
  });

  it('stops when the call is cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    const result = await readTool.run({ file_path: path.join(root, 'README.md') }, contextFor(root, { signal: controller.signal }));
    expect(result.status).toBe('error');
    expect(result.output).toContain('abort');
  });
});
