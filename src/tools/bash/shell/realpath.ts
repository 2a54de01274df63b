import path from 'node:path';
import { defineCommand } from 'just-bash';
import { COMMAND_OPTIONS } from '../gate/commandOptions';
import { hasOption, parseOptions } from '../gate/options';

/** GNU `realpath` for paths in the workspace (just-bash has none). */
export const realpathCommand = defineCommand('realpath', async (args, ctx) => {
  const parsed = parseOptions('realpath', args, COMMAND_OPTIONS.realpath);
  const { operands } = parsed;
  const quiet = hasOption(parsed, '-q', '--quiet');
  if (operands.length === 0) return { stdout: '', stderr: 'realpath: missing operand\n', exitCode: 1 };
  let stdout = '';
  let stderr = '';
  let exitCode = 0;
  for (const operand of operands) {
    const absolute = path.posix.resolve(ctx.cwd, operand);
    try {
      stdout += `${await ctx.fs.realpath(absolute)}\n`;
    } catch {
      try {
        // Like GNU realpath: a missing last component is allowed, a missing directory is not.
        stdout += `${path.posix.join(await ctx.fs.realpath(path.posix.dirname(absolute)), path.posix.basename(absolute))}\n`;
      } catch {
        if (!quiet) stderr += `realpath: ${operand}: No such file or directory\n`;
        exitCode = 1;
      }
    }
  }
  return { stdout, stderr, exitCode };
});
