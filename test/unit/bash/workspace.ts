import { createHash, randomUUID } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { lstat, mkdir, readdir, readFile, readlink, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { makeFixtureWorkspace, type FixtureWorkspace } from '../../fakes/fixtureWorkspace';
import { bashTool } from '../../../src/tools/bash';
import type { ToolResult } from '../../../src/tools/defineTool';

/**
 * The fixture project plus what a hostile repository could add: symlinks that point just
 * outside the workspace at a canary file holding a unique secret, and a FIFO.
 */
export interface HostileWorkspace {
  root: string;
  canaryPath: string;
  secret: string;
  fixture: FixtureWorkspace;
  cleanup(): Promise<void>;
}

export async function makeHostileWorkspace(): Promise<HostileWorkspace> {
  const fixture = await makeFixtureWorkspace();
  const root = fixture.root;
  const secret = `CANARY-${randomUUID()}`;
  const canaryPath = path.join(path.dirname(root), `${path.basename(root)}-canary.txt`);
  await writeFile(canaryPath, `${secret}\n`);
  await symlink(canaryPath, path.join(root, 'link-out'));
  await symlink(path.dirname(root), path.join(root, 'dir-out'));
  await symlink('../../..', path.join(root, 'docs', 'up'));
  await symlink('README.md', path.join(root, 'readme-link'));
  execFileSync('mkfifo', [path.join(root, 'pipe')]);
  return {
    root,
    canaryPath,
    secret,
    fixture,
    async cleanup() {
      await rm(canaryPath, { force: true });
      await fixture.cleanup();
    },
  };
}

/**
 * The fixture project plus links and shapes that ordinary repositories have: links to a folder
 * and to files inside (`src-link -> src`, `readme-link -> README.md`, `src/app-link.py ->
 * server/app.py`), links out of the workspace (`vendor/up -> ../..`, `vendor/passwd ->
 * /etc/passwd`: their text is fixed, so outputs that show it can be recorded), an empty folder,
 * and `sizes/` with files whose sizes sit at the edges of du's units.
 */
export async function makeLinkedWorkspace(): Promise<FixtureWorkspace> {
  const fixture = await makeFixtureWorkspace();
  const root = fixture.root;
  await symlink('src', path.join(root, 'src-link'));
  await symlink('README.md', path.join(root, 'readme-link'));
  await symlink('server/app.py', path.join(root, 'src', 'app-link.py'));
  await mkdir(path.join(root, 'vendor'));
  await symlink('../..', path.join(root, 'vendor', 'up'));
  await symlink('/etc/passwd', path.join(root, 'vendor', 'passwd'));
  await mkdir(path.join(root, 'empty'));
  await mkdir(path.join(root, 'sizes'));
  for (const size of [0, 1, 1023, 1024, 1536, 10_239, 10_240, 1_048_575, 1_048_577, 2_500_000]) {
    await writeFile(path.join(root, 'sizes', `b${size}`), Buffer.alloc(size, 'x'));
  }
  return fixture;
}

/** A digest of every path, type, mode, size, content and link target under `root`. */
export async function hashTree(root: string): Promise<string> {
  const hash = createHash('sha256');
  async function visit(dir: string): Promise<void> {
    const names = (await readdir(dir)).sort();
    for (const name of names) {
      const full = path.join(dir, name);
      const stat = await lstat(full);
      hash.update(`${path.relative(root, full)}\0${stat.mode}\0${stat.size}\0${stat.mtimeMs}\0`);
      if (stat.isSymbolicLink()) hash.update(await readlink(full));
      else if (stat.isFile()) hash.update(await readFile(full));
      else if (stat.isDirectory()) await visit(full);
    }
  }
  await visit(root);
  return hash.digest('hex');
}

export function runBash(root: string, args: Record<string, unknown>, signal = new AbortController().signal, cwd = root): Promise<ToolResult> {
  return bashTool.run(args, { cwd, roots: [root], signal });
}
