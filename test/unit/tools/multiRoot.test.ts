import { mkdir, mkdtemp, realpath, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { globTool } from '../../../src/tools/glob';
import { grepTool } from '../../../src/tools/grep';
import { readTool } from '../../../src/tools/read';
import { makeFixtureWorkspace, type FixtureWorkspace } from '../../fakes/fixtureWorkspace';
import { contextFor } from './toolTestKit';

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

  it('reads no root that left the workspace, and names the roots there are now', async () => {
    const afterRemoval = contextFor(first, { roots: [first], searchesAllRoots: true });
    const read = await readTool.run({ file_path: cart }, afterRemoval);
    expect(read.status).toBe('refused');
    expect(read.output).toMatch(new RegExp(`Only paths inside ${first} can be read\\.</tool_use_error>$`));
    const grep = await grepTool.run({ pattern: 'create_app wires', output_mode: 'content' }, afterRemoval);
    expect(grep.output).toBe('No matches found');
  });
});
