import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { makeFixtureWorkspace, type FixtureWorkspace } from '../../fakes/fixtureWorkspace';
import { confinedRealPath, resolveOpenTarget, resolveReferences } from '../../../src/app/fileReferences';
import { nameFoldersBy } from '../../../src/tools/support/rootLabels';

// Records which paths reach the file system's realpath.
const realpathCalls = vi.hoisted(() => [] as string[]);
vi.mock('node:fs/promises', async (importOriginal) => {
  const original = await importOriginal<typeof import('node:fs/promises')>();
  return {
    ...original,
    realpath: (target: string) => {
      realpathCalls.push(target);
      return original.realpath(target);
    },
  };
});
beforeEach(() => {
  realpathCalls.length = 0;
});

let workspace: FixtureWorkspace;
let outside: string;

beforeAll(async () => {
  workspace = await makeFixtureWorkspace();
  outside = await mkdtemp(path.join(tmpdir(), 'loco-outside-'));
  await writeFile(path.join(outside, 'secret.txt'), 'one\ntwo\n');
  await symlink(path.join(outside, 'secret.txt'), path.join(workspace.root, 'escape.txt'));
  await writeFile(path.join(workspace.root, 'three-lines.txt'), 'a\nb\nc\n');
});

afterAll(async () => {
  await workspace.cleanup();
  await rm(outside, { recursive: true, force: true });
});

const ref = (text: string, filePath: string, line?: number, endLine?: number) => ({ text, path: filePath, line, endLine });

describe('resolveReferences', () => {
  it('links relative and absolute references to files in the workspace', async () => {
    const abs = path.join(workspace.root, 'src/server/app.py');
    const links = await resolveReferences([ref('src/server/app.py:2', 'src/server/app.py', 2), ref(`${abs}`, abs)], {
      roots: [workspace.root],
      bases: [],
    });
    expect(links['src/server/app.py:2']).toEqual({ exists: true, path: abs, line: 2 });
    expect(links[abs]).toEqual({ exists: true, path: abs, label: 'src/server/app.py' });
  });

  it('shows an absolute reference inside the workspace as the relative one it equals', async () => {
    const absolute = `${path.join(workspace.root, 'three-lines.txt')}:2-3`;
    const links = await resolveReferences([ref(absolute, path.join(workspace.root, 'three-lines.txt'), 2, 3), ref('three-lines.txt', 'three-lines.txt')], {
      roots: [workspace.root],
      bases: [],
    });
    expect(links[absolute]).toMatchObject({ exists: true, label: 'three-lines.txt:2-3' });
    expect(links['three-lines.txt']!.label).toBeUndefined();
  });

  it('tries the run folder before the workspace folders', async () => {
    const links = await resolveReferences([ref('app.py:1', 'app.py', 1)], {
      roots: [workspace.root],
      bases: [path.join(workspace.root, 'src/server')],
    });
    // Shown from the root, as every label is.
    expect(links['app.py:1']).toMatchObject({ exists: true, path: path.join(workspace.root, 'src/server/app.py'), label: 'src/server/app.py:1' });
  });

  it('says why a file that does not exist, a line past the end or a folder is not linked', async () => {
    const links = await resolveReferences(
      [ref('src/nope.py:3', 'src/nope.py', 3), ref('three-lines.txt:4', 'three-lines.txt', 4), ref('src/server', 'src/server')],
      { roots: [workspace.root], bases: [] },
    );
    expect(links['src/nope.py:3']).toEqual({ exists: false, reason: 'notFound' });
    expect(links['three-lines.txt:4']).toEqual({
      exists: false,
      reason: 'pastEnd',
      path: path.join(workspace.root, 'three-lines.txt'),
      line: 4,
      lineCount: 3,
    });
    expect(links['src/server']).toEqual({ exists: false, reason: 'folder', path: path.join(workspace.root, 'src/server') });
  });

  it('flags lines no file has: line 0, a range past the end, a range that runs backwards', async () => {
    const file = path.join(workspace.root, 'three-lines.txt');
    const links = await resolveReferences(
      [ref('three-lines.txt:0', 'three-lines.txt', 0), ref('three-lines.txt:2-40', 'three-lines.txt', 2, 40), ref('three-lines.txt:3-1', 'three-lines.txt', 3, 1)],
      { roots: [workspace.root], bases: [] },
    );
    expect(links['three-lines.txt:0']).toEqual({ exists: false, reason: 'lineZero', path: file });
    expect(links['three-lines.txt:2-40']).toEqual({ exists: false, reason: 'pastEnd', path: file, line: 2, endLine: 40, lineCount: 3 });
    expect(links['three-lines.txt:3-1']).toEqual({ exists: false, reason: 'reversedRange', path: file, line: 3, endLine: 1 });
  });

  it('recognises a folder, with or without a line, and labels it as every path is', async () => {
    const links = await resolveReferences([ref('src/server/', 'src/server'), ref('server:1', 'server', 1), ref(`${path.join(workspace.root, 'src')}/`, path.join(workspace.root, 'src'))], {
      roots: [workspace.root],
      bases: [path.join(workspace.root, 'src')],
    });
    expect(links['src/server/']).toEqual({ exists: false, reason: 'folder', path: path.join(workspace.root, 'src/server') });
    expect(links['server:1']).toEqual({ exists: false, reason: 'folder', path: path.join(workspace.root, 'src/server'), line: 1, label: 'src/server:1' });
    expect(links[`${path.join(workspace.root, 'src')}/`]).toEqual({ exists: false, reason: 'folder', path: path.join(workspace.root, 'src'), label: 'src/' });
  });

  it('shows unverified absolute references workspace-relative, or under ~ outside the workspace', async () => {
    const home = path.dirname(outside);
    const pastEnd = `${path.join(workspace.root, 'three-lines.txt')}:9`;
    const missing = `${path.join(workspace.root, 'src/auth.py')}:1`;
    const config = path.join(outside, 'secret.txt');
    const links = await resolveReferences(
      [
        ref(pastEnd, path.join(workspace.root, 'three-lines.txt'), 9),
        ref(missing, path.join(workspace.root, 'src/auth.py'), 1),
        ref(config, config),
        ref('~/.config/app/settings.toml', '~/.config/app/settings.toml'),
      ],
      { roots: [workspace.root], bases: [], home },
    );
    expect(links[pastEnd]).toMatchObject({ exists: false, reason: 'pastEnd', label: 'three-lines.txt:9' });
    expect(links[missing]).toEqual({ exists: false, reason: 'notFound', label: 'src/auth.py:1' });
    expect(links[config]).toEqual({ exists: false, reason: 'outsideWorkspace', label: `~/${path.basename(outside)}/secret.txt` });
    expect(links['~/.config/app/settings.toml']).toEqual({ exists: false, reason: 'outsideWorkspace' });
  });

  it('links a range inside the file, and its last line', async () => {
    const links = await resolveReferences([ref('three-lines.txt:2-3', 'three-lines.txt', 2, 3), ref('three-lines.txt:3', 'three-lines.txt', 3)], {
      roots: [workspace.root],
      bases: [],
    });
    expect(links['three-lines.txt:2-3']).toMatchObject({ exists: true, line: 2, endLine: 3 });
    expect(links['three-lines.txt:3']).toMatchObject({ exists: true, line: 3 });
  });

  it('never links files outside the workspace, by absolute path, by .. or through a symlink', async () => {
    const secret = path.join(outside, 'secret.txt');
    const links = await resolveReferences(
      [ref(secret, secret), ref('../x', `../${path.basename(outside)}/secret.txt`), ref('escape.txt:1', 'escape.txt', 1), ref('/etc/passwd', '/etc/passwd')],
      { roots: [workspace.root], bases: [] },
    );
    expect(Object.values(links).map((link) => [link.exists, link.reason])).toEqual([
      [false, 'outsideWorkspace'],
      [false, 'outsideWorkspace'],
      [false, 'outsideWorkspace'],
      [false, 'outsideWorkspace'],
    ]);
  });
});

describe('resolveReferences in a workspace of two roots', () => {
  let parent: string;
  let second: string;
  let roots: string[];
  const first = () => workspace.root;

  beforeAll(async () => {
    parent = await mkdtemp(path.join(tmpdir(), 'loco-second-'));
    second = path.join(parent, 'ws-b');
    await mkdir(path.join(second, 'src'), { recursive: true });
    await writeFile(path.join(second, 'src', 'cart.ts'), Array.from({ length: 12 }, (_, index) => `line ${index + 1}`).join('\n'));
    // The same relative path as in the first root.
    await mkdir(path.join(second, 'src', 'server'), { recursive: true });
    await writeFile(path.join(second, 'src', 'server', 'app.py'), 'one line\n');
    roots = [first(), second];
  });
  afterAll(() => rm(parent, { recursive: true, force: true }));

  it('resolves the root-labelled form the labels use, and labels every form the same way', async () => {
    const cart = path.join(second, 'src/cart.ts');
    const links = await resolveReferences(
      [ref('ws-b/src/cart.ts:11', 'ws-b/src/cart.ts', 11), ref('src/cart.ts:11', 'src/cart.ts', 11), ref(`${cart}:11`, cart, 11)],
      { roots, bases: [first()] },
    );
    const expected = { exists: true, path: cart, line: 11, root: 'ws-b' };
    expect(links['ws-b/src/cart.ts:11']).toEqual(expected);
    expect(links['src/cart.ts:11']).toEqual({ ...expected, label: 'ws-b/src/cart.ts:11' });
    expect(links[`${cart}:11`]).toEqual({ ...expected, label: 'ws-b/src/cart.ts:11' });
  });

  it('takes an ambiguous reference from the run folder first, then the roots in order, and says which root and where else', async () => {
    const fromFirst = await resolveReferences([ref('src/server/app.py:1', 'src/server/app.py', 1)], { roots, bases: [] });
    expect(fromFirst['src/server/app.py:1']).toEqual({
      exists: true,
      path: path.join(first(), 'src/server/app.py'),
      line: 1,
      root: path.basename(first()),
      alsoIn: ['ws-b'],
      label: `${path.basename(first())}/src/server/app.py:1`,
    });
    const fromRun = await resolveReferences([ref('src/server/app.py:1', 'src/server/app.py', 1)], { roots, bases: [second] });
    expect(fromRun['src/server/app.py:1']).toMatchObject({ path: path.join(second, 'src/server/app.py'), root: 'ws-b', alsoIn: [path.basename(first())] });
  });

  it('says why a root-labelled reference is not linked, as for any other', async () => {
    const links = await resolveReferences([ref('ws-b/src/cart.ts:40', 'ws-b/src/cart.ts', 40), ref('ws-b/src/gone.ts:1', 'ws-b/src/gone.ts', 1)], {
      roots,
      bases: [],
    });
    expect(links['ws-b/src/cart.ts:40']).toMatchObject({ exists: false, reason: 'pastEnd', lineCount: 12, root: 'ws-b' });
    expect(links['ws-b/src/gone.ts:1']).toEqual({ exists: false, reason: 'notFound' });
  });

  it('finds nothing in a root that left the workspace', async () => {
    const links = await resolveReferences([ref('ws-b/src/cart.ts:11', 'ws-b/src/cart.ts', 11), ref(path.join(second, 'src/cart.ts'), path.join(second, 'src/cart.ts'))], {
      roots: [first()],
      bases: [second],
    });
    expect(links['ws-b/src/cart.ts:11']).toMatchObject({ exists: false });
    expect(links[path.join(second, 'src/cart.ts')]).toMatchObject({ exists: false, reason: 'outsideWorkspace' });
  });
});

describe('resolveReferences with two roots of one name and a named root', () => {
  let parent: string;
  let client: string;
  let server: string;
  let web: string;
  let restore: () => void;

  beforeAll(async () => {
    parent = await mkdtemp(path.join(tmpdir(), 'loco-same-names-'));
    client = path.join(parent, 'client', 'app');
    server = path.join(parent, 'server', 'app');
    web = path.join(parent, 'packages', 'web');
    for (const root of [client, server, web]) await mkdir(path.join(root, 'src'), { recursive: true });
    await writeFile(path.join(client, 'src', 'main.ts'), 'client\n');
    await writeFile(path.join(server, 'src', 'main.ts'), 'server\n');
    await writeFile(path.join(web, 'src', 'index.ts'), 'web\n');
    restore = nameFoldersBy((root) => (root === web ? 'Web App' : undefined));
  });
  afterAll(async () => {
    restore();
    await rm(parent, { recursive: true, force: true });
  });

  it('labels each root uniquely, and resolves the labels it gives', async () => {
    const roots = [client, server, web];
    const refs = [ref('app (server)/src/main.ts:1', 'app (server)/src/main.ts', 1), ref('Web App/src/index.ts:1', 'Web App/src/index.ts', 1), ref('src/main.ts:1', 'src/main.ts', 1)];
    const links = await resolveReferences(refs, { roots, bases: [] });
    expect(links['app (server)/src/main.ts:1']).toEqual({ exists: true, path: path.join(server, 'src/main.ts'), line: 1, root: 'app (server)' });
    expect(links['Web App/src/index.ts:1']).toEqual({ exists: true, path: path.join(web, 'src/index.ts'), line: 1, root: 'Web App' });
    expect(links['src/main.ts:1']).toEqual({
      exists: true,
      path: path.join(client, 'src/main.ts'),
      line: 1,
      root: 'app (client)',
      alsoIn: ['app (server)'],
      label: 'app (client)/src/main.ts:1',
    });
  });
});

describe('confinement', () => {
  it('never resolves a path outside the workspace, or a network path, on disk', async () => {
    const secret = path.join(outside, 'secret.txt');
    await resolveReferences([ref(secret, secret), ref('//server/share/x', '//server/share/x'), ref('/etc/passwd', '/etc/passwd')], {
      roots: [workspace.root],
      bases: [],
    });
    expect(await resolveOpenTarget('//server/share/a.py', [workspace.root])).toBeUndefined();
    expect(await confinedRealPath(secret, [workspace.root])).toBeNull();
    expect(realpathCalls.filter((called) => called !== workspace.root)).toEqual([]);
  });

  it('follows a symlink inside the workspace only to a place inside it', async () => {
    expect(await confinedRealPath(path.join(workspace.root, 'escape.txt'), [workspace.root])).toBeNull();
    const app = path.join(workspace.root, 'src/server/app.py');
    expect(await confinedRealPath(app, [workspace.root])).toBe(app);
    expect(await confinedRealPath(path.join(workspace.root, 'missing.txt'), [workspace.root])).toBeNull();
  });
});

describe('resolveOpenTarget', () => {
  it('opens only regular files inside a workspace folder', async () => {
    const app = path.join(workspace.root, 'src/server/app.py');
    expect(await resolveOpenTarget(app, [workspace.root])).toBe(app);
    expect(await resolveOpenTarget(path.join(workspace.root, 'escape.txt'), [workspace.root])).toBeUndefined();
    expect(await resolveOpenTarget(path.join(workspace.root, 'src'), [workspace.root])).toBeUndefined();
    expect(await resolveOpenTarget('src/server/app.py', [workspace.root])).toBeUndefined();
    expect(await resolveOpenTarget(path.join(workspace.root, '../etc/passwd'), [workspace.root])).toBeUndefined();
  });
});
