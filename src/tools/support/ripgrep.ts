import { spawn } from 'node:child_process';
import { rgPath } from '@vscode/ripgrep';

/**
 * ripgrep's arguments around a tool's own: hidden files are searched but version-control folders
 * and the excluded globs are not (those globs come after the tool's because later globs take
 * precedence, so a model's `**` cannot re-include them); .gitignore applies even in a folder that
 * is not (yet) a git repository, because a small model drowns in node_modules and build output;
 * the user's ripgrep config is ignored so that results do not depend on the machine.
 */
export function ripgrepArgs(toolArgs: readonly string[], positional: readonly string[], exclude: readonly string[] = []): string[] {
  const excluded = ['.git', ...exclude].flatMap((glob) => ['--glob', `!${glob}`]);
  return ['--no-config', '--hidden', '--no-require-git', ...toolArgs, ...excluded, ...positional];
}

/**
 * A --glob that matches every path filters nothing, yet, because it also matches directories,
 * it would override .gitignore (ripgrep gives globs precedence) and pull in node_modules.
 */
export function matchesEverything(glob: string): boolean {
  return glob === '*' || glob === '**' || glob === '**/*';
}

export interface RipgrepExit {
  /** ripgrep's exit status: 0 found, 1 nothing found, 2 error (results may still have been printed). */
  code: number | null;
  /** The start of ripgrep's error output. */
  stderr: string;
  /** True when onLine asked to stop and ripgrep was killed before it finished. */
  stopped: boolean;
}

const STDERR_KEPT = 4096;
const NOTHING_SEARCHED = 'rg: No files were searched';

/**
 * Runs ripgrep with an argument array (no shell) and hands each line of its output to onLine,
 * which returns false to stop early (ripgrep is then killed, so a huge result costs nothing more).
 * Aborting the signal kills ripgrep and rejects with the signal's reason.
 */
export function runRipgrep(
  args: readonly string[],
  options: { cwd: string; signal: AbortSignal; onLine: (line: string) => boolean | void },
): Promise<RipgrepExit> {
  const { signal, onLine } = options;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const child = spawn(rgPath, args, { cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let pending = '';
    let stderr = '';
    let stopped = false;
    const stop = () => {
      if (stopped) return;
      stopped = true;
      child.stdout.destroy();
      child.kill();
    };
    const onAbort = () => {
      stop();
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });

    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      if (stopped) return;
      const lines = (pending + chunk).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        if (onLine(line) === false) {
          stop();
          return;
        }
      }
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      if (stderr.length < STDERR_KEPT) stderr += chunk;
    });
    child.on('error', (error) => {
      signal.removeEventListener('abort', onAbort);
      reject(error);
    });
    child.on('close', (code) => {
      signal.removeEventListener('abort', onAbort);
      if (signal.aborted) return;
      if (!stopped && pending !== '') onLine(pending);
      // When the globs leave no file to search, ripgrep says so and exits 2; for a search that is
      // simply "nothing found".
      if (code === 2 && stderr.startsWith(NOTHING_SEARCHED)) resolve({ code: 1, stderr: '', stopped });
      else resolve({ code, stderr: stderr.slice(0, STDERR_KEPT).trim(), stopped });
    });
  });
}
