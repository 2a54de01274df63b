import { realpath } from 'node:fs/promises';
import path from 'node:path';
import { ToolFailure, toolUseError, type ToolContext } from '../defineTool';

export interface WorkspacePath {
  /** Absolute and normalised, as the model named it (symlinks kept): what messages show. */
  absolute: string;
  /** Symlinks resolved: what the tool opens, so that a link cannot lead out of the workspace. */
  real: string;
  exists: boolean;
}

/**
 * Resolves a path the model gave (absolute, or relative to the working directory) and confines it
 * to the workspace roots. A path that does not exist is confined through its nearest existing
 * ancestor, so that the tool can still answer "does not exist" for a missing file in the workspace
 * while a missing file elsewhere is refused like any other outside path.
 */
export async function resolveWorkspacePath(given: string, ctx: Pick<ToolContext, 'cwd' | 'roots'>): Promise<WorkspacePath> {
  if (given === '~' || given.startsWith('~/') || given.startsWith('~\\')) {
    throw new ToolFailure(
      toolUseError(`The path ${given} starts with ~, which is not expanded. Use an absolute path inside the workspace (${ctx.roots.join(', ')}).`),
    );
  }
  const absolute = path.resolve(ctx.cwd, given);
  const { real, exists } = await realpathOfNearest(absolute);
  if (!isInsideRoots(real, ctx.roots)) {
    throw new ToolFailure(
      toolUseError(`Access denied: ${absolute} is outside the workspace. Only paths inside ${ctx.roots.join(', ')} can be read.`),
      'refused',
    );
  }
  return { absolute, real, exists };
}

export function isInsideRoots(realPath: string, roots: readonly string[]): boolean {
  return roots.some((root) => {
    const relative = path.relative(root, realPath);
    return relative === '' || (!climbsOut(relative) && !path.isAbsolute(relative));
  });
}

/** How a path appears to the model and in UI titles: relative to the working directory unless that would climb out of it. */
export function displayPath(absolute: string, cwd: string): string {
  const relative = path.relative(cwd, absolute);
  if (relative === '') return '.';
  if (climbsOut(relative) || path.isAbsolute(relative)) return absolute;
  return relative.split(path.sep).join('/');
}

/** True for `..` and `../x`, not for a name that merely starts with two dots (`..cache`). */
function climbsOut(relative: string): boolean {
  return relative === '..' || relative.startsWith(`..${path.sep}`);
}

async function realpathOfNearest(absolute: string): Promise<{ real: string; exists: boolean }> {
  const missing: string[] = [];
  let current = absolute;
  for (;;) {
    try {
      const real = await realpath(current);
      return { real: path.join(real, ...missing.reverse()), exists: missing.length === 0 };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const parent = path.dirname(current);
      if ((code !== 'ENOENT' && code !== 'ENOTDIR') || parent === current) throw error;
      missing.push(path.basename(current));
      current = parent;
    }
  }
}
