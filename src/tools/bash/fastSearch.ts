import { defineCommand, latin1FromBytes, type CustomCommand } from 'just-bash';
import { runRipgrep } from '../support/ripgrep';
import { grepToRipgrep } from './grepTranslation';
import { hostArgumentsProblem } from './hostArguments';
import type { Simulate } from './simulated';

/** Output kept from one search; the tool shows far less but counts what it drops. */
const MAX_SEARCH_OUTPUT_CHARS = 8 * 1024 * 1024;

/** Flags put before the model's own `rg` arguments: no user config (it could add --pre), no colour. */
const RG_PREFIX = ['--no-config', '--color', 'never'];

interface SearchResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/**
 * `grep` and `rg` for the simulated shell. The simulated versions read every file through
 * JavaScript and took seconds on large trees, so searches over the workspace run in the real
 * ripgrep (argument array, no shell, never following links, every path re-checked after
 * the shell expanded it); input from a pipe, and grep
 * options ripgrep cannot reproduce exactly, go to the simulated command.
 */
export function searchCommands(simulate: Simulate, roots: readonly string[]): CustomCommand[] {
  return [
    defineCommand('grep', async (args, ctx) => {
      const rgArgs = latin1FromBytes(ctx.stdin) === '' ? grepToRipgrep(args) : undefined;
      if (rgArgs === undefined) return simulate('grep', args, ctx);
      const problem = hostArgumentsProblem('grep', args, ctx.cwd, roots);
      if (problem) return { stdout: '', stderr: `grep: ${problem}\n`, exitCode: 2 };
      const result = await ripgrep(rgArgs, ctx.cwd, ctx.signal);
      return result ? asGrepResult(result) : simulate('grep', args, ctx);
    }),
    defineCommand('rg', async (args, ctx) => {
      if (latin1FromBytes(ctx.stdin) !== '') return simulate('rg', args, ctx);
      const problem = hostArgumentsProblem('rg', args, ctx.cwd, roots);
      if (problem) return { stdout: '', stderr: `rg: ${problem}\n`, exitCode: 2 };
      return (await ripgrep([...RG_PREFIX, ...args], ctx.cwd, ctx.signal)) ?? simulate('rg', args, ctx);
    }),
  ];
}

/** Runs ripgrep; undefined when it cannot start (then the simulated command answers). */
async function ripgrep(args: string[], cwd: string, signal: AbortSignal | undefined): Promise<SearchResult | undefined> {
  let stdout = '';
  try {
    const exit = await runRipgrep(args, {
      cwd,
      signal: signal ?? new AbortController().signal,
      onLine(line) {
        stdout += `${line}\n`;
        return stdout.length < MAX_SEARCH_OUTPUT_CHARS;
      },
    });
    const exitCode = exit.stopped ? 0 : (exit.code ?? 2);
    return { stdout, stderr: exit.stderr === '' ? '' : `${exit.stderr}\n`, exitCode };
  } catch (error) {
    if (signal?.aborted) return { stdout, stderr: '', exitCode: 130 };
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** ripgrep's wording of messages and binary-file notices, as GNU grep words them. */
function asGrepResult(result: SearchResult): SearchResult {
  const notices: string[] = [];
  const lines = result.stdout.split('\n');
  const kept = lines.filter((line) => {
    const binary = /^(.*): binary file matches \(found .*\)$/.exec(line);
    if (binary) notices.push(`grep: ${binary[1]}: binary file matches`);
    return !binary;
  });
  const stderr = result.stderr
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => line.replace(/^rg: /, 'grep: ').replace(/ \(os error \d+\)$/, ''))
    .concat(notices)
    .map((line) => `${line}\n`)
    .join('');
  return { stdout: kept.join('\n'), stderr, exitCode: result.exitCode };
}
