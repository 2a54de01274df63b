import { execFileSync } from 'node:child_process';
import { appendFile, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

export function gitAvailable(): boolean {
  try {
    execFileSync('git', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** git run by the test itself, isolated from the machine's configuration. */
export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', '-c', 'init.defaultBranch=main', ...args], {
    cwd,
    encoding: 'utf8',
    env: { PATH: process.env.PATH, HOME: cwd, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' },
  });
}

/** A repository with two commits (README.md, app.py) and the config `git init` writes. */
export async function makeRepo(base: string, name: string, message = 'Second commit'): Promise<string> {
  const root = path.join(base, name);
  await mkdir(root, { recursive: true });
  git(root, 'init', '-q');
  await writeFile(path.join(root, 'app.py'), 'def main():\n    return 1\n');
  await writeFile(path.join(root, 'README.md'), '# Demo\n');
  git(root, 'add', '.');
  git(root, 'commit', '-q', '-m', 'Initial commit');
  await appendFile(path.join(root, 'app.py'), '# second\n');
  git(root, 'commit', '-q', '-am', message);
  return root;
}
