import { workspaceRoot } from './workspaceRoot';

/** `--cwd DIR`, which may repeat: each folder is a workspace root, as in a multi-root VS Code workspace. */
export const ROOTS_OPTION = { cwd: { type: 'string', multiple: true } } as const;

/**
 * The workspace roots the `--cwd` options name (absolute, real, each once, in the order given),
 * or the current directory without one. The first is the working directory of the run.
 */
export function rootsOption(cwds: readonly string[] | undefined): [string, ...string[]] {
  const [first, ...rest] = [...new Set((cwds?.length ? cwds : [process.cwd()]).map(workspaceRoot))];
  return [first!, ...rest];
}
