import path from 'node:path';
import { defineCommand, type CustomCommand } from 'just-bash';
import { COMMAND_OPTIONS } from '../gate/commandOptions';
import { hasOption, parseOptions } from '../gate/options';
import { readOperand } from './diskListing';

/**
 * GNU `realpath` for paths in the workspace (just-bash has none): links resolved as the kernel
 * resolves them, read from the disk (the simulated file system keeps a link's own path). A path
 * that leads out of the workspace is an error, as it is for every command.
 */
export function realpathCommand(roots: readonly string[]): CustomCommand {
  return defineCommand('realpath', async (args, ctx) => {
    const parsed = parseOptions('realpath', args, COMMAND_OPTIONS.realpath);
    const { operands } = parsed;
    const quiet = hasOption(parsed, '-q', '--quiet');
    const existing = hasOption(parsed, '-e', '--canonicalize-existing');
    const lexical = hasOption(parsed, '-s', '--strip', '--no-symlinks');
    const terminator = hasOption(parsed, '-z', '--zero') ? '\0' : '\n';
    if (operands.length === 0) return { stdout: '', stderr: 'realpath: missing operand\n', exitCode: 1 };
    let stdout = '';
    let stderr = '';
    let failed = false;
    for (const operand of operands) {
      const resolved = lexical ? { real: path.posix.resolve(ctx.cwd, operand) } : physicalPath(operand, ctx.cwd, roots, existing);
      if ('real' in resolved) stdout += `${resolved.real}${terminator}`;
      else {
        failed = true;
        if (!quiet) stderr += `realpath: ${operand}: ${resolved.error}\n`;
      }
    }
    return { stdout, stderr, exitCode: failed ? 1 : 0 };
  });
}

/**
 * The resolved path, or why there is none. Like GNU realpath, a missing last component is
 * allowed unless every component must exist (-e); a missing folder above it is not.
 */
function physicalPath(operand: string, cwd: string, roots: readonly string[], existing: boolean): { real: string } | { error: string } {
  const found = readOperand(operand, cwd, roots, true);
  if (found.kind === 'found') return { real: found.real };
  const missing = { error: found.message };
  if (existing || found.message !== 'No such file or directory') return missing;
  const trimmed = operand.replace(/\/+$/, '');
  const name = path.posix.basename(trimmed);
  if (name === '' || name === '.' || name === '..') return missing;
  const parent = readOperand(path.posix.dirname(trimmed), cwd, roots, true);
  if (parent.kind !== 'found') return { error: parent.message };
  if (!parent.stats.isDirectory()) return { error: 'Not a directory' };
  return { real: path.posix.join(parent.real, name) };
}
