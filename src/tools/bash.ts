import { z } from 'zod';
import { defineTool, type Tool } from './defineTool';
import { ALLOWED_COMMANDS } from './bash/gate/commandLine';
import { realRoots, startingFolder } from './bash/paths';
import { BashWorkerPool, defaultWorkerScript } from './bash/worker/pool';
import { hostPathRules, type PathRules } from './support/pathRules';

const DEFAULT_TIMEOUT_MS = 120_000;
const MAX_TIMEOUT_MS = 600_000;

const DESCRIPTION = `Runs a read-only shell command in the workspace and returns its output.
Available: ${ALLOWED_COMMANDS.join(' ')} (git: log show diff status ls-files blame grep rev-parse branch --list).
Join commands with | && || ; and add 2>/dev/null or 2>&1. xargs, find -exec and $(…) may run the listed commands; $PWD is the only variable.
awk, sed and jq print to standard output only: no awk system(), getline, pipes or > files; no sed -i, w, r or e; no jq env or modules.
Nothing can be written, deleted or executed: no redirection to files, no loops, no interpreters, no network.
Paths must be inside the workspace. Prefer Grep, Glob and Read for searching and reading files.`;

/** Follows every refusal's reason: what the tool is for, and what else to reach for. */
const READ_ONLY_HINT = 'This Bash tool only lists, searches and reads files inside the workspace; Read, Grep and Glob do too.';

const WINDOWS_HINT = 'Use Glob to list files, Grep to search and Read to read a file.';

/**
 * The Bash tool over the given workers: the gate and the simulated shell run there, off this
 * event loop; this side only picks the working directory and words the answer.
 */
export function createBashTool(workers: BashWorkerPool, rules: PathRules = hostPathRules): Tool {
  return defineTool({
    name: 'Bash',
    description: DESCRIPTION,
    parameters: z.object({
      command: z.string(),
      description: z.string().optional(),
      timeout: z.number().optional(),
    }),
    // Known to the trained tool; a background shell makes no sense for a read-only explorer.
    ignored: ['run_in_background', 'dangerouslyDisableSandbox'],
    // The card shows the command itself, as a prompt line; the model's description goes to metadata.
    title: (input) => commandTitle(input.command),
    async execute(input, ctx) {
      const roots = realRoots(ctx.roots);
      const cwd = startingFolder(ctx.cwd, roots);
      const title = commandTitle(input.command);
      if (cwd === undefined) {
        return { output: 'Command refused: no workspace folder is open.', title, metadata: { refused: true }, status: 'refused' };
      }
      // The simulated shell speaks POSIX paths, where a Windows path's backslashes are escapes and
      // `C:` is no root: until the two are mapped onto each other, a command would read the wrong
      // path or none, so the model is told at once what to use instead.
      if (rules.path.sep === '\\') {
        return { output: `Command refused: Bash does not run on Windows yet. ${WINDOWS_HINT}`, title, metadata: { refused: true }, status: 'refused' };
      }
      const timeoutMs = Math.min(Math.max(Math.round(input.timeout ?? DEFAULT_TIMEOUT_MS), 1), MAX_TIMEOUT_MS);
      const started = Date.now();
      // The roots as they are at this call, sent with every command: the worker keeps none between commands.
      const searchesAllRoots = ctx.searchesAllRoots ?? false;
      const result = await workers.run({ command: input.command, cwd, roots, searchesAllRoots, gitUnavailable: ctx.gitUnavailable, timeoutMs }, ctx.signal);
      const durationMs = Date.now() - started;
      if (result.kind === 'refused') {
        return {
          output: `Command refused: ${result.reason}. ${READ_ONLY_HINT}`,
          title,
          metadata: { refused: true, reason: result.reason },
          status: 'refused',
        };
      }
      if (result.kind === 'timedOut') {
        return { output: `Command timed out after ${formatSeconds(timeoutMs)}`, title, metadata: { timedOut: true, durationMs }, status: 'error' };
      }
      if (result.kind === 'cancelled') {
        return { output: 'Command was cancelled', title, metadata: { cancelled: true, durationMs }, status: 'error' };
      }
      return {
        output: result.output,
        title,
        metadata: { exitCode: result.exitCode, durationMs, description: input.description },
      };
    },
  });
}

export const bashTool: Tool = createBashTool(new BashWorkerPool(defaultWorkerScript()));

function commandTitle(command: string | undefined): string {
  return command ? `$ ${command}` : 'Bash';
}

function formatSeconds(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  const seconds = ms / 1000;
  return `${Number.isInteger(seconds) ? seconds : seconds.toFixed(1)}s`;
}
