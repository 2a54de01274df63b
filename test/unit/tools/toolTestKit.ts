import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { rgPath } from '@vscode/ripgrep';
import type { ToolContext } from '../../../src/tools/defineTool';

/** A context for a tool call in a workspace whose single root is also the working directory. */
export function contextFor(root: string, overrides: Partial<ToolContext> = {}): ToolContext {
  return { cwd: root, roots: [root], signal: new AbortController().signal, ...overrides };
}

/** ripgrep run directly, the reference the tools' results are compared with. */
export async function ripgrepDirect(args: readonly string[], cwd: string): Promise<string[]> {
  try {
    const { stdout } = await promisify(execFile)(rgPath, args, { cwd, maxBuffer: 64 * 1024 * 1024 });
    return stdout.split('\n').filter((line, index, all) => index < all.length - 1 || line !== '');
  } catch (error) {
    // Exit status 1 means "nothing found", not a failure.
    if ((error as { code?: number }).code === 1) return [];
    throw error;
  }
}
