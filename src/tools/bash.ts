import { z } from 'zod';
import { defineTool, type Tool } from './defineTool';
import { execute } from './bash/executor';
import { ALLOWED_COMMANDS, checkCommand } from './bash/gate';
import { formatOutput } from './bash/output';
import { realRoots, resolveReal } from './bash/paths';
import { isInsideRoots } from './support/workspacePaths';

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

export const bashTool: Tool = defineTool({
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
    const requestedCwd = resolveReal(ctx.cwd);
    const cwd = isInsideRoots(requestedCwd, roots) ? requestedCwd : roots[0];
    const title = commandTitle(input.command);
    if (cwd === undefined) {
      return { output: 'Command refused: no workspace folder is open.', title, metadata: { refused: true }, status: 'refused' };
    }
    const verdict = checkCommand(input.command, cwd, roots);
    if (!verdict.allowed) {
      return {
        output: `Command refused: ${verdict.reason}. ${READ_ONLY_HINT}`,
        title,
        metadata: { refused: true, reason: verdict.reason },
        status: 'refused',
      };
    }
    const timeoutMs = Math.min(Math.max(Math.round(input.timeout ?? DEFAULT_TIMEOUT_MS), 1), MAX_TIMEOUT_MS);
    const started = Date.now();
    const result = await execute({ script: input.command, cwd, roots, timeoutMs, signal: ctx.signal });
    const durationMs = Date.now() - started;
    if (result.kind === 'timedOut') {
      return { output: `Command timed out after ${formatSeconds(timeoutMs)}`, title, metadata: { timedOut: true, durationMs }, status: 'error' };
    }
    if (result.kind === 'cancelled') {
      return { output: 'Command was cancelled', title, metadata: { cancelled: true, durationMs }, status: 'error' };
    }
    return {
      output: formatOutput(result.stdout, result.stderr, result.exitCode, verdict.lastCommand),
      title,
      metadata: { exitCode: result.exitCode, durationMs, description: input.description },
    };
  },
});

function commandTitle(command: string | undefined): string {
  return command ? `$ ${command}` : 'Bash';
}

function formatSeconds(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  const seconds = ms / 1000;
  return `${Number.isInteger(seconds) ? seconds : seconds.toFixed(1)}s`;
}
