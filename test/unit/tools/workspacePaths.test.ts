import { mkdir, mkdtemp, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveOpenTarget, resolveReferences } from '../../../src/app/fileReferences';
import { checkCommand } from '../../../src/tools/bash/gate/commandLine';
import { ToolFailure } from '../../../src/tools/defineTool';
import { readTool } from '../../../src/tools/read';
import { resolveWorkspacePath, workspaceLabel } from '../../../src/tools/support/workspacePaths';
import { contextFor } from './toolTestKit';

/**
 * The tools, the Bash gate and file references confine paths by one rule (workspacePaths.ts).
 * When each kept its own copy they drifted: `..cache` was readable by the tools, but the view
 * took it for `..` and would not link it.
 */
describe('path confinement, one rule for every caller', () => {
  let root: string;
  let outside: string;

  beforeAll(async () => {
    root = await realpath(await mkdtemp(path.join(tmpdir(), 'loco-confine-')));
    outside = await realpath(await mkdtemp(path.join(tmpdir(), 'loco-confine-outside-')));
    await mkdir(path.join(root, '..cache'));
    await writeFile(path.join(root, '..cache', 'x'), 'cached\n');
    await mkdir(path.join(root, 'sub'));
    await writeFile(path.join(root, 'sub', 'a.txt'), 'a\n');
    await writeFile(path.join(outside, 'secret.txt'), 'secret\n');
    await symlink(outside, path.join(root, 'out'));
    await symlink(path.join(root, 'sub'), path.join(root, 'in'));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
    await rm(outside, { recursive: true, force: true });
  });

  it('reads, allows, links and opens a file in a folder named ..cache', async () => {
    const file = path.join(root, '..cache', 'x');
    const read = await readTool.run({ file_path: file }, contextFor(root));
    expect(read).toMatchObject({ status: 'done', output: '     1→cached' });
    expect(checkCommand('cat ..cache/x', root, [root])).toMatchObject({ allowed: true });
    const links = await resolveReferences([{ text: '..cache/x:1', path: '..cache/x', line: 1 }], { roots: [root], bases: [root] });
    expect(links['..cache/x:1']).toEqual({ exists: true, path: file, line: 1 });
    expect(await resolveOpenTarget(file, [root])).toBe(file);
  });

  /** Whether each caller takes the path for one outside the workspace. */
  async function verdicts(written: string) {
    const tool = await resolveWorkspacePath(written, contextFor(root)).then(
      () => false,
      (error: unknown) => error instanceof ToolFailure && error.status === 'refused',
    );
    const gate = checkCommand(`ls -d '${written}'`, root, [root]);
    const links = await resolveReferences([{ text: written, path: written }], { roots: [root], bases: [root] });
    return { tool, gate: !gate.allowed, reference: links[written]?.exists === false && links[written].reason === 'outsideWorkspace' };
  }

  it.each([
    ['..cache', false],
    ['..cache/x', false],
    ['..', true],
    ['../x', true],
    ['out/secret.txt', true],
    ['out/missing.txt', true],
    ['in/a.txt', false],
    ['missing.txt', false],
  ])('%s: every caller agrees (outside: %s)', async (written, isOutside) => {
    expect(await verdicts(written)).toEqual({ tool: isOutside, gate: isOutside, reference: isOutside });
  });

  it('agrees on a missing file outside the workspace', async () => {
    const missing = path.join(outside, 'missing.txt');
    expect(await verdicts(missing)).toEqual({ tool: true, gate: true, reference: true });
  });
});

describe('workspace labels, one style for cards, links, scopes and history', () => {
  it('labels a path relative to its root, with the root name in front when there are several', () => {
    expect(workspaceLabel('/work/app/src/a.ts', ['/work/app'])).toBe('src/a.ts');
    expect(workspaceLabel('/work/app', ['/work/app'])).toBe('app');
    expect(workspaceLabel('/work/app/src/a.ts', ['/work/app', '/other/ws-b'])).toBe('app/src/a.ts');
    expect(workspaceLabel('/other/ws-b/src/cart.ts', ['/work/app', '/other/ws-b'])).toBe('ws-b/src/cart.ts');
    expect(workspaceLabel('/other/ws-b', ['/work/app', '/other/ws-b'])).toBe('ws-b');
  });

  it('names the innermost root when roots nest, and leaves a path outside every root whole', () => {
    expect(workspaceLabel('/work/app/lib/x.ts', ['/work/app', '/work/app/lib'])).toBe('lib/x.ts');
    expect(workspaceLabel('/elsewhere/x.ts', ['/work/app', '/other/ws-b'])).toBe('/elsewhere/x.ts');
  });
});
