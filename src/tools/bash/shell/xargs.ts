import { decodeBytesToUtf8, defineCommand, type Command } from 'just-bash';
import { COMMAND_OPTIONS } from '../gate/commandOptions';
import { hasOption, parseOptions } from '../gate/options';

/**
 * The simulated xargs with GNU's behaviour where it differs: it reads only separate values
 * (`-n 1`, `-I {}`); GNU's `-I` takes whole input lines, not words; GNU runs the command once
 * even with no input (unless -r), and exits with 123 when a run failed. The command goes back
 * through the shell, so its guard checks the argument list built from the input.
 */
export const xargsCommand: Command = defineCommand('xargs', async (args, ctx) => {
  const parsed = parseOptions('xargs', args, COMMAND_OPTIONS.xargs);
  const has = (...names: string[]) => hasOption(parsed, ...names);
  const options: string[] = [];
  if (has('-0', '--null')) options.push('-0');
  if (has('-r', '--no-run-if-empty')) options.push('-r');
  if (has('-t', '--verbose')) options.push('-t');
  for (const { name, value = '' } of parsed.options) {
    if (name === '-n' || name === '--max-args') options.push('-n', value);
    if (name === '-d' || name === '--delimiter') options.push('-d', value);
    if (name === '-I' || name === '--replace') {
      options.push('-I', value);
      if (!has('-0', '--null', '-d', '--delimiter')) options.push('-d', '\\n');
    }
  }
  // The guard has checked that the command is a listed one, a plain word safe to run by name.
  const [command = 'echo', ...initial] = parsed.operands;
  const runsOnEmptyInput = !has('-r', '--no-run-if-empty', '-I', '--replace');
  const result =
    runsOnEmptyInput && decodeBytesToUtf8(ctx.stdin).trim() === '' && ctx.exec
      ? await ctx.exec(command, { cwd: ctx.cwd, signal: ctx.signal, args: initial })
      : await (ctx.origCommand?.([...options, command, ...initial]) ?? { stdout: '', stderr: 'xargs: not available\n', exitCode: 127 });
  return result.exitCode >= 1 && result.exitCode <= 125 ? { ...result, exitCode: 123 } : result;
});
