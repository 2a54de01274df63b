import { commandCheck } from './commandPolicy';
import { checkNamedReads, readsWholeFiles } from '../readBudget';
import { confinePath } from '../paths';
import { Refusal } from './refusal';

/**
 * Why a command must not receive these arguments, or undefined when it may. The gate judged
 * the command line before the shell expanded it; this judges the argument list the shell
 * really built (globs, `$(…)`, xargs input), by the same policy, just before the command opens
 * those paths: a symlink out or a FIFO must never reach a program that follows it.
 */
export function hostArgumentsProblem(command: string, args: readonly string[], cwd: string, roots: readonly string[]): string | undefined {
  const check = commandCheck(command);
  if (check === undefined) return `\`${command}\` is not available`;
  try {
    const use = check(args);
    for (const argument of use.paths) confinePath(argument, cwd, roots, false, readsWholeFiles(command, use));
    checkNamedReads(command, use, cwd);
    return undefined;
  } catch (error) {
    if (error instanceof Refusal) return error.reason;
    throw error;
  }
}
