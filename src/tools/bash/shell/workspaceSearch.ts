import { defineCommand, latin1FromBytes, type CustomCommand, type ExecResult, type ResolvedCommandContext } from 'just-bash';
import { COMMAND_OPTIONS } from '../gate/commandOptions';
import { COMMAND_CHECKS } from '../gate/commandPolicy';
import { hostArgumentsProblem } from '../gate/hostArguments';
import { hasOption, parseOptions } from '../gate/options';
import { rootsBeside } from '../../support/workspacePaths';
import { stdoutText } from './diskListing';
import { findOnDisk } from './findOnDisk';

/** Where a command line runs, and what its searches without a path cover. */
export interface SearchScope {
  /** The run's working directory: the folder the model's ENV line names. */
  cwd: string;
  /** Real absolute paths of the workspace roots, as they are for this call. */
  roots: readonly string[];
  /** A question about the whole workspace: a recursive search without a path covers every root. */
  searchesAllRoots: boolean;
}

type RecursiveSearch = 'rg' | 'grep' | 'find';

/**
 * Runs a recursive search (`rg`, `grep -r`, `find`) as written and, in a question about the whole
 * workspace, once more over the other roots, as if the model had named them after its own
 * operands: the working directory's lines keep the paths the command prints there, the other
 * roots' lines come out as absolute paths (as Grep prints them), so each says which root it is
 * from, in the layout the real command gives several operands.
 *
 * Only a search that names no path is widened, and only from the run's working directory. An
 * explicit `.` is a path: like Grep's `path: "."` and like `ls .`, it means the working folder
 * the ENV line names (the task names every root, so the model can search one by name). A search
 * after `cd DIR` stays in DIR, as the shell's meaning of its working directory says. A search of
 * piped input (`cat f | rg x`) reads that input, not the tree.
 */
export async function searchAcrossRoots(
  command: RecursiveSearch,
  args: string[],
  ctx: ResolvedCommandContext,
  scope: SearchScope,
  run: (args: string[]) => Promise<ExecResult>,
): Promise<ExecResult> {
  const others = rootsAlsoSearched(command, args, ctx, scope);
  const here = await run(args);
  if (others.length === 0) return here;
  // find takes its paths before the expression; grep and rg after the pattern and options.
  const widened = command === 'find' ? [...others, ...args] : [...args, ...others];
  // The roots are judged like any path the command receives, by the policy that judged the line.
  const problem = hostArgumentsProblem(command, widened, ctx.cwd, scope.roots);
  if (problem !== undefined) return { ...here, stderr: `${here.stderr}${command}: refused: ${problem}\n`, exitCode: 2 };
  const there = await run(widened);
  return {
    stdout: joinOutputs(stdoutText(here), stdoutText(there), showsContext(command, args) ? '--\n' : ''),
    stderr: here.stderr + there.stderr,
    exitCode: combinedExit(command, here.exitCode, there.exitCode),
  };
}

/**
 * `find` that covers every root when it names no path in a whole-workspace question: the disk
 * listing answers the expressions it holds (findOnDisk.ts), the simulated find the others.
 */
export function findCommand(scope: SearchScope): CustomCommand {
  return defineCommand('find', (args, ctx) =>
    searchAcrossRoots('find', args, ctx, scope, async (searched) => {
      const onDisk = findOnDisk(searched, ctx.cwd, scope.roots);
      if (onDisk !== undefined) return onDisk;
      return ctx.origCommand ? ctx.origCommand(searched) : { stdout: '', stderr: 'find: command not found\n', exitCode: 127 };
    }),
  );
}

function rootsAlsoSearched(command: RecursiveSearch, args: readonly string[], ctx: ResolvedCommandContext, scope: SearchScope): string[] {
  if (!scope.searchesAllRoots || ctx.cwd !== scope.cwd) return [];
  if (command !== 'find' && latin1FromBytes(ctx.stdin) !== '') return [];
  if (!COMMAND_CHECKS[command]!(args).searchesWithoutPath) return [];
  return rootsBeside(scope.cwd, scope.roots);
}

/** The second output after the first, with ripgrep's and grep's `--` between two groups of context lines. */
function joinOutputs(first: string, second: string, separator: string): string {
  if (first === '' || second === '') return first + second;
  return `${first.endsWith('\n') ? first : `${first}\n`}${separator}${second}`;
}

function showsContext(command: RecursiveSearch, args: readonly string[]): boolean {
  if (command === 'find') return false;
  const parsed = parseOptions(command, args, COMMAND_OPTIONS[command]!);
  return hasOption(parsed, '-A', '-B', '-C', '-NUM', '--after-context', '--before-context', '--context');
}

/**
 * One exit status for the two runs, as one run over every operand would end: for grep and rg an
 * error (2) outweighs a match (0), which outweighs nothing found (1); find fails if either failed.
 */
function combinedExit(command: RecursiveSearch, first: number, second: number): number {
  if (command === 'find') return Math.max(first, second);
  const failure = [first, second].find((code) => code !== 0 && code !== 1);
  if (failure !== undefined) return failure;
  return first === 0 || second === 0 ? 0 : 1;
}
