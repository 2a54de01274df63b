import { defineCommand } from 'just-bash';
import { commandCheck } from './commandPolicy';

/** Commands of the shell itself, which `which` does not find as programs. */
const SHELL_BUILTINS = new Set(['cd']);

/**
 * `which NAME…` as on a Debian system, for the commands this tool runs: each is reported where
 * GNU/Linux keeps it; any other name is not found, which is the truth here.
 */
export const whichCommand = defineCommand('which', async (args) => {
  const all = args.includes('-a');
  let stdout = '';
  let exitCode = 0;
  for (const name of args.filter((arg) => !arg.startsWith('-'))) {
    if (commandCheck(name) !== undefined && !SHELL_BUILTINS.has(name)) {
      stdout += all ? `/usr/bin/${name}\n/bin/${name}\n` : `/usr/bin/${name}\n`;
    } else {
      exitCode = 1;
    }
  }
  return { stdout, stderr: '', exitCode };
});
