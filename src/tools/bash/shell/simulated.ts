import { Bash, latin1FromBytes, type CommandName, type ExecResult, type IFileSystem, type ResolvedCommandContext } from 'just-bash';

/** Runs one simulated built-in with exactly these arguments (no shell parsing) and the caller's stdin. */
export type Simulate = (name: CommandName, args: string[], ctx: ResolvedCommandContext) => Promise<ExecResult>;

/**
 * A second simulated shell over the same filesystem, holding the built-ins that our own
 * commands of the same name wrap: a custom command replaces the built-in in the main shell,
 * so the wrapper reaches the original here.
 */
export function simulator(fs: IFileSystem, cwd: string, commands: CommandName[]): Simulate {
  const bash = new Bash({ fs, cwd, commands });
  return (name, args, ctx) => bash.exec(name, { args, cwd: ctx.cwd, stdin: latin1FromBytes(ctx.stdin), stdinKind: 'bytes', signal: ctx.signal });
}
