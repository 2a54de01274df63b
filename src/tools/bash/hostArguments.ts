import { COMMAND_CHECKS } from './commandPolicy';
import { confinePath } from './paths';
import { Refusal } from './refusal';

/**
 * Why a host process (ripgrep, git) must not receive these arguments, or undefined when it may.
 * The gate judged the command line before the shell expanded it; this judges the argument list
 * the shell really built (globs expanded), by the same policy, just before a real process
 * opens those paths: a symlink out or a FIFO must never reach a program that follows it.
 */
export function hostArgumentsProblem(command: 'grep' | 'rg' | 'git', args: readonly string[], cwd: string, roots: readonly string[]): string | undefined {
  try {
    for (const argument of COMMAND_CHECKS[command]!(args).paths) confinePath(argument, cwd, roots, false);
    return undefined;
  } catch (error) {
    if (error instanceof Refusal) return error.reason;
    throw error;
  }
}
