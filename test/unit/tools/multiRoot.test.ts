import { mkdir, mkdtemp, realpath, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bashTool } from '../../../src/tools/bash';
import { globTool } from '../../../src/tools/glob';
import { grepTool } from '../../../src/tools/grep';
import { readTool } from '../../../src/tools/read';
import { makeFixtureWorkspace, type FixtureWorkspace } from '../../fakes/fixtureWorkspace';
import { contextFor, ripgrepDirect } from './toolTestKit';

/**
 * A workspace of two roots: the fixture project, and `ws-b` with one TypeScript file. A question
 * about the whole workspace searches both when the model names no path; the first root's results
 * keep the trained relative paths, the second's are absolute (as the trained tools printed paths
 * outside the working directory), so every line says which root it is from.
 */
describe('searches without a path in a workspace of two roots', () => {
  let workspace: FixtureWorkspace;
  let first: string;
  let parent: string;
  let second: string;
  let cart: string;

  beforeAll(async () => {
    workspace = await makeFixtureWorkspace();
    first = workspace.root;
    parent = await realpath(await mkdtemp(path.join(tmpdir(), 'loco-second-root-')));
    second = path.join(parent, 'ws-b');
    await mkdir(path.join(second, 'src'), { recursive: true });
    cart = path.join(second, 'src', 'cart.ts');
    await writeFile(cart, 'export class Cart {\n  // create_app wires the cart in\n  total = 0;\n}\n');
    // The oldest file of all: last in Grep's newest-first listing, first in Glob's.
    await utimes(cart, new Date('2001-01-01'), new Date('2001-01-01'));
  });
  afterAll(async () => {
    await workspace.cleanup();
    await rm(parent, { recursive: true, force: true });
  });

  const wholeWorkspace = () => contextFor(first, { roots: [first, second], searchesAllRoots: true });

  it('Grep lists the matches of every root, the second root by absolute path', async () => {
    const result = await grepTool.run({ pattern: 'create_app' }, wholeWorkspace());
    const lines = result.output.split('\n');
    expect(lines[0]).toBe('Found 5 files');
    expect(lines.slice(1, -1).sort()).toEqual(['README.md', 'docs/architecture.md', 'src/server/app.py', 'tests/conftest.py']);
    expect(lines.at(-1)).toBe(cart);
  });

  it('Grep content and count cover both roots', async () => {
    const content = await grepTool.run({ pattern: 'create_app wires', output_mode: 'content' }, wholeWorkspace());
    expect(content.output).toBe(`${cart}:2:  // create_app wires the cart in`);
    const counted = await grepTool.run({ pattern: 'def create_app|create_app wires', output_mode: 'count' }, wholeWorkspace());
    expect(counted.output).toBe(`${cart}:1\nsrc/server/app.py:1\n\nFound 2 total occurrences across 2 files.`);
  });

  it('Glob lists the files of every root', async () => {
    const result = await globTool.run({ pattern: '**/*.ts' }, wholeWorkspace());
    expect(result.output.split('\n')[0]).toBe(cart);
    expect(result.output.split('\n').every((line) => path.isAbsolute(line))).toBe(true);
  });

  it('keeps a scoped question in its folder: without a path only the working directory is searched', async () => {
    const scoped = contextFor(first, { roots: [first, second], cwd: second });
    const grep = await grepTool.run({ pattern: 'create_app' }, scoped);
    expect(grep.output).toBe('Found 1 file\nsrc/cart.ts');
    const glob = await globTool.run({ pattern: '**/*' }, scoped);
    expect(glob.output).toBe(cart);
  });

  describe('Bash', () => {
    const bash = (command: string, ctx = wholeWorkspace()) => bashTool.run({ command }, ctx).then((result) => result.output);

    it('rg without a path prints the working folder as rg does there, then the other root by absolute path', async () => {
      const here = await ripgrepDirect(['--sort', 'path', '-n', 'create_app'], first);
      expect(here.length).toBeGreaterThan(3);
      expect(await bash('rg --sort path -n create_app')).toBe([...here, `${cart}:2:  // create_app wires the cart in`].join('\n'));
      expect(await bash('rg -l Cart')).toBe(cart);
      expect((await bash('rg --files')).split('\n')).toContain(cart);
    });

    it('grep -r without a file covers both roots, with -- between the two groups of context lines', async () => {
      expect(await bash("grep -rn 'create_app wires'")).toBe(`${cart}:2:  // create_app wires the cart in`);
      expect(await bash("grep -rn -A1 'def create_app\\|create_app wires' --include='*.py' --include='*.ts'")).toBe(
        [
          'src/server/app.py:8:def create_app(config=None):',
          'src/server/app.py-9-    app = Flask(__name__)',
          '--',
          `${cart}:2:  // create_app wires the cart in`,
          `${cart}-3-  total = 0;`,
        ].join('\n'),
      );
      // GNU grep -c counts every file searched, those without a match too.
      expect(await bash('grep -rc Cart --include=*.ts')).toBe(`web/src/api.ts:0\nweb/src/main.ts:0\n${cart}:1`);
    });

    it('find without a path lists the working folder as ./… and the other root by absolute path', async () => {
      expect(await bash("find -name cart.ts -o -name app.py")).toBe(`./src/server/app.py\n${cart}`);
    });

    it('keeps a named path, `.` included, the working folder after cd, and piped input to what they name', async () => {
      expect(await bash("grep -rn 'create_app wires' .")).toBe('(Bash completed with no output)');
      expect(await bash("find . -name cart.ts")).toBe('(Bash completed with no output)');
      expect(await bash('cd src && rg -l create_app')).toBe('server/app.py');
      expect(await bash('cat README.md | rg -c create_app')).toBe('2');
      expect(await bash('pwd')).toBe(first);
      expect(await bash('ls -d src web')).toBe('src\nweb');
    });

    it('searches only the scoped folder in a scoped question', async () => {
      expect(await bash('rg -l create_app', contextFor(first, { roots: [first, second], cwd: second }))).toBe('src/cart.ts');
      expect(await bash('rg -l Cart', contextFor(first, { roots: [first, second] }))).toBe('(Bash completed with no output)');
    });

    it('searches the roots of each call: a root removed between two commands is not searched', async () => {
      expect(await bash('rg -l Cart')).toBe(cart);
      const afterRemoval = contextFor(first, { roots: [first], searchesAllRoots: true });
      expect(await bash('rg -l Cart', afterRemoval)).toBe('(Bash completed with no output)');
      expect(await bash("grep -rl 'create_app wires'", afterRemoval)).toBe('(Bash completed with no output)');
      expect(await bash("find -name cart.ts", afterRemoval)).toBe('(Bash completed with no output)');
    });
  });

  it('reads no root that left the workspace, and names the roots there are now', async () => {
    const afterRemoval = contextFor(first, { roots: [first], searchesAllRoots: true });
    const read = await readTool.run({ file_path: cart }, afterRemoval);
    expect(read.status).toBe('refused');
    expect(read.output).toMatch(new RegExp(`Only paths inside ${first} can be read\\.</tool_use_error>$`));
    const grep = await grepTool.run({ pattern: 'create_app wires', output_mode: 'content' }, afterRemoval);
    expect(grep.output).toBe('No matches found');
  });
});

/**
 * A whole-workspace Bash search reaches every root, so every root gets the protections the
 * working folder has: no link followed out of it, no ignore file read that leads out of it.
 */
describe('Bash searches without a path in a workspace whose second root is hostile', () => {
  const SECRET = 'CANARY_SECRET_9f2c';
  let workspace: FixtureWorkspace;
  let parent: string;
  let links: string;
  let ignoring: string;

  beforeAll(async () => {
    workspace = await makeFixtureWorkspace();
    parent = await realpath(await mkdtemp(path.join(tmpdir(), 'loco-hostile-root-')));
    const outside = path.join(parent, 'outside');
    await mkdir(outside);
    await writeFile(path.join(outside, 'canary.txt'), `${SECRET} create_app\n`);
    links = path.join(parent, 'ws-links');
    await mkdir(links);
    await writeFile(path.join(links, 'inside.txt'), 'create_app is called here\n');
    await symlink(outside, path.join(links, 'escape'));
    await symlink(path.join(outside, 'canary.txt'), path.join(links, 'secret.txt'));
    ignoring = path.join(parent, 'ws-ignore');
    await mkdir(ignoring);
    await symlink(path.join(outside, 'canary.txt'), path.join(ignoring, '.ignore'));
  });
  afterAll(async () => {
    await workspace.cleanup();
    await rm(parent, { recursive: true, force: true });
  });

  const bash = (command: string, second: string) =>
    bashTool.run({ command }, contextFor(workspace.root, { roots: [workspace.root, second], searchesAllRoots: true })).then((result) => result.output);

  it('follows no symbolic link out of the other root', async () => {
    expect(await bash('rg -n create_app', links)).toContain(`${links}/inside.txt:1:create_app is called here`);
    for (const command of [`rg ${SECRET}`, `grep -rn ${SECRET}`, 'rg --files', 'find -name canary.txt', `grep -rl ${SECRET} --include=*.txt`]) {
      const output = await bash(command, links);
      expect(output, command).not.toContain(SECRET);
      expect(output, command).not.toContain('canary.txt');
    }
  });

  it('refuses to let ripgrep read an ignore file of the other root that leads out of it', async () => {
    const output = await bash('rg -l create_app', ignoring);
    expect(output).toContain(`rg: Cannot search here: ${ignoring}/.ignore is a symbolic link that leads outside the workspace`);
    expect(output).not.toContain(SECRET);
  });
});
