import { statSync } from 'node:fs';
import path from 'node:path';
import { commandCheck } from './commandPolicy';
import { checkNamedReads, readsWholeFiles } from '../readBudget';
import { confinePath } from '../paths';
import { Refusal } from './refusal';
import type { ShownPath } from '../../support/shownPaths';

/**
 * Why a command must not receive these arguments, or undefined when it may. The gate judged
 * the command line before the shell expanded it; this judges the argument list the shell
 * really built (globs, `$(…)`, xargs input), by the same policy, just before the command opens
 * those paths: a symlink out or a FIFO must never reach a program that follows it.
 */
export function hostArgumentsProblem(command: string, args: readonly string[], cwd: string, roots: readonly string[]): string | undefined {
  const call = programCall(command, args, cwd, roots);
  return typeof call === 'string' ? call : undefined;
}

/** How a real program (grep's and rg's search) is started for one command of the shell. */
export interface ProgramCall {
  /** argv with every path argument replaced by the real path the host read it as. */
  args: string[];
  /** The shell's working directory as the host read it: the program runs there. */
  cwd: string;
  /** Each replaced path with the text the command was given, to show in what the program prints. */
  shownAs: ShownPath[];
  /** The real places searched: the operands, or the working directory when none is named. */
  searched: string[];
}

/**
 * The one reading of every path a real program opens: the final argv (after globs, `$(…)` and
 * xargs) is checked by the command's policy, each path argument read by the host as the kernel
 * reads it and confined, and the program receives that real path, never the text. Returns why
 * not, when the command must not run.
 */
export function programCall(command: string, args: readonly string[], cwd: string, roots: readonly string[]): ProgramCall | string {
  const check = commandCheck(command);
  if (check === undefined) return `\`${command}\` is not available`;
  try {
    const use = check(args);
    const realCwd = confinePath('.', cwd, roots, false);
    const replaced = [...args];
    const shownAs: ShownPath[] = [];
    // Simulated commands read through the shell's own view of the workspace; only their paths are judged.
    if (use.pathWords === undefined) {
      const reals = use.paths.map((argument) => confinePath(argument, cwd, roots, false, readsWholeFiles(command, use)));
      checkNamedReads(command, use, reals);
      return { args: replaced, cwd: realCwd, shownAs, searched: [] };
    }
    const searched: string[] = [];
    for (const [order, word] of use.pathWords.entries()) {
      const real = confinePath(word.text, cwd, roots, false);
      const passed = distinct(real, order);
      replaced[word.index] = word.prefix + passed;
      shownAs.push({ passed, shown: word.text, directory: isDirectory(real) });
      if (word.operand) searched.push(real);
    }
    return { args: replaced, cwd: realCwd, shownAs, searched: searched.length === 0 ? [realCwd] : searched };
  } catch (error) {
    if (error instanceof Refusal) return error.reason;
    throw error;
  }
}

/**
 * The real path written so that no two arguments share a beginning: the n-th gets n `./` after
 * the root (`/./././ws/src`), which the kernel reads as the same place and ripgrep prints as
 * given. Without it, `rg x src src/app.py` prints `src/app.py` once through each, and the host
 * could not tell which text the model wrote for that line.
 */
function distinct(real: string, order: number): string {
  const { root } = path.parse(real);
  return root + `.${path.sep}`.repeat(order) + real.slice(root.length);
}

function isDirectory(real: string): boolean {
  try {
    return statSync(real).isDirectory();
  } catch {
    return false;
  }
}
