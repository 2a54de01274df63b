import { defineCommand, type Command, type CustomCommand } from 'just-bash';
import { hostArgumentsProblem } from '../gate/hostArguments';

/**
 * Every command the simulated shell runs passes the gate's policy again, with the arguments it
 * really received. The gate judged the line as written; words made while it runs (the output
 * of a `$(…)`, the names `xargs` reads from its input, the paths `find -exec` fills in) are
 * judged here, by the same per-command checks and path confinement, before anything is opened.
 */
export function guarded(command: CustomCommand, roots: readonly string[]): Command {
  return defineCommand(command.name, async (args, ctx) => {
    const problem = hostArgumentsProblem(command.name, args, ctx.cwd, roots);
    if (problem !== undefined) return { stdout: '', stderr: `${command.name}: refused: ${problem}\n`, exitCode: 126 };
    const target = 'load' in command ? await command.load() : command;
    return target.execute(args, ctx);
  });
}

/** The simulated shell's own command of this name, which the guard of the same name shadows. */
export function builtin(name: string, prepare: (args: string[]) => string[] = (args) => args): Command {
  return defineCommand(name, (args, ctx) => {
    if (ctx.origCommand === undefined) return Promise.resolve({ stdout: '', stderr: `${name}: command not found\n`, exitCode: 127 });
    return ctx.origCommand(prepare(args));
  });
}
