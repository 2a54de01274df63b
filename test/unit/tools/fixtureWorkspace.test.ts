import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeFixtureWorkspace, type FixtureWorkspace } from '../../fakes/fixtureWorkspace';

describe('makeFixtureWorkspace', () => {
  let workspace: FixtureWorkspace;
  beforeAll(async () => {
    workspace = await makeFixtureWorkspace();
  });
  afterAll(() => workspace.cleanup());

  it('restores the names stored differently in the repository', async () => {
    expect(await readFile(path.join(workspace.root, '.gitignore'), 'utf8')).toContain('node_modules/');
    expect((await stat(path.join(workspace.root, 'node_modules/left-pad/index.js'))).isFile()).toBe(true);
    expect(workspace.entries).not.toContain('_gitignore');
  });

  it('writes a real PNG', async () => {
    const bytes = await readFile(path.join(workspace.root, 'web/static/logo.png'));
    expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
  });

  it('gives every entry its own deterministic mtime', async () => {
    const seconds = await Promise.all(workspace.entries.map(async (entry) => (await stat(path.join(workspace.root, entry))).mtimeMs / 1000));
    expect(seconds).toEqual(workspace.entries.map((entry) => workspace.mtimeOf(entry)));
    expect(new Set(seconds).size).toBe(seconds.length);
  });
});
