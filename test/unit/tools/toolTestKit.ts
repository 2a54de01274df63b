import { spawn } from 'node:child_process';
import { rgPath } from '@vscode/ripgrep';
import type { ToolContext } from '../../../src/tools/defineTool';

/** A context for a tool call in a workspace whose single root is also the working directory. */
export function contextFor(root: string, overrides: Partial<ToolContext> = {}): ToolContext {
  return { cwd: root, roots: [root], signal: new AbortController().signal, ...overrides };
}

/** ripgrep run directly, the reference the tools' results are compared with. Standard input is closed: given a pipe, ripgrep would search it. */
export function ripgrepDirect(args: readonly string[], cwd: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(rgPath, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      // Exit status 1 means "nothing found", not a failure.
      if (code !== 0 && code !== 1) reject(new Error(`rg exited ${code}: ${stderr}`));
      else resolve(stdout === '' ? [] : stdout.replace(/\n$/, '').split('\n'));
    });
  });
}
