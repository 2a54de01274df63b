import { defineCommand } from 'just-bash';
import { COMMAND_OPTIONS } from '../gate/commandOptions';
import { commandCheck } from '../gate/commandPolicy';
import { hasOption, parseOptions } from '../gate/options';

/** Commands of the shell itself, which `which` does not find as programs. */
const SHELL_BUILTINS = new Set(['cd']);

/**
 * `which NAME…` as on a Debian system, for the commands this tool runs: each is reported where
 * GNU/Linux keeps it; any other name is not found, which is the truth here.
 */
export const whichCommand = defineCommand('which', async (args) => {
  const parsed = parseOptions('which', args, COMMAND_OPTIONS.which);
  const all = hasOption(parsed, '-a');
  let stdout = '';
  let exitCode = 0;
  for (const name of parsed.operands) {
    if (commandCheck(name) !== undefined && !SHELL_BUILTINS.has(name)) {
      stdout += all ? `/usr/bin/${name}\n/bin/${name}\n` : `/usr/bin/${name}\n`;
    } else {
      exitCode = 1;
    }
  }
  return { stdout, stderr: '', exitCode };
});
