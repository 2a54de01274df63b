import { createHash, randomUUID } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { lstat, readdir, readFile, readlink, rm, symlink, writeFile } from 'node:fs/promises';
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
