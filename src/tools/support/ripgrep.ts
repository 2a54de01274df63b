import { rgPath } from '@vscode/ripgrep';
import { childEnvironment } from './childEnvironment';
import { checkIgnoreFiles } from './ignoreFiles';
import { killOwned, spawnOwned } from './ownedProcess';
import { messageRewriter, pathRewriter, type ShownPath } from './shownPaths';

/**
 * Flags every ripgrep process gets, before its caller's: nothing outside the workspace may steer
 * it. No config file (RIPGREP_CONFIG_PATH could add --pre), no rules from ignore files above the
 * folders searched (see checkIgnoreFiles), no global gitignore (found through the user's home even
 * without HOME), and no .git/info/exclude: a `.git` file's `gitdir:` can put that file anywhere,
 * and checking it as git resolves it is more surface than the rarely used rules it holds are worth.
 */
const CONFINED = ['--no-config', '--no-ignore-parent', '--no-ignore-global', '--no-ignore-exclude'];

/**
 * ripgrep's arguments around a tool's own: hidden files are searched but version-control folders
 * and the excluded globs are not (those globs come after the tool's because later globs take
 * precedence, so a model's `**` cannot re-include them); .gitignore applies even in a folder that
 * is not (yet) a git repository, because a small model drowns in node_modules and build output.
 */
export function ripgrepArgs(toolArgs: readonly string[], positional: readonly string[], exclude: readonly string[] = []): string[] {
  const excluded = ['.git', ...exclude].flatMap((glob) => ['--glob', `!${glob}`]);
  return ['--hidden', '--no-require-git', ...toolArgs, ...excluded, ...positional];
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
  /** True when ripgrep ran out of time and was killed; the lines handed over so far stand. */
  timedOut: boolean;
}

export interface RipgrepOptions {
  cwd: string;
  signal: AbortSignal;
  onLine: (line: string) => boolean | void;
  /** Kills ripgrep after this long (a search of a 50 GB file, or a FIFO it was named). */
  timeLimitMs: number;
  /**
   * The folders and files searched, when ripgrep reads ignore files there: each is checked first,
   * and the search refused with UnsafeIgnoreFile if ripgrep would read one it must not. Left out
   * only with --no-ignore among the arguments (ripgrep then opens no ignore file at all).
   */
  readsIgnoreFilesIn?: { paths: readonly string[]; roots: readonly string[] };
  /**
   * True for a listing (--files among the arguments): ripgrep then opens no file but ignore
   * files, which checkIgnoreFiles caps at 1 MB, so it needs no address-space limit.
   */
  listsNames?: boolean;
  /**
   * The paths among the arguments as the host read them (real) and as the caller was given them:
   * ripgrep is handed the real ones and its lines and messages come back with the given text.
   */
  shownAs?: { paths: readonly ShownPath[]; separator?: string };
}

const STDERR_KEPT = 4096;
/**
 * The most of one output line handed over; the rest of the line is dropped. The tools show far
 * less (Grep cuts at 500 columns, Bash at 30,000 characters in all), and a line of a gigabyte
 * must not be gathered in memory just to be cut.
 */
export const MAX_LINE_CHARS = 64 * 1024;
const NOTHING_SEARCHED = 'rg: No files were searched';

/**
 * Runs ripgrep with an argument array (no shell, an environment built from nothing) and hands
 * each line of its output to onLine, which returns false to stop early (ripgrep is then killed,
 * so a huge result costs nothing more). Aborting the signal kills ripgrep and rejects with the
 * signal's reason; running out of time kills it and resolves with timedOut.
 */
export async function runRipgrep(args: readonly string[], options: RipgrepOptions): Promise<RipgrepExit> {
  const { signal } = options;
  signal.throwIfAborted();
  const started = Date.now();
  const searched = options.readsIgnoreFilesIn;
  // The check walks the whole tree first, so it counts against the same time limit.
  const deadline = AbortSignal.timeout(options.timeLimitMs);
  const plan = searched
    ? await checkIgnoreFiles(searched.paths, searched.roots, AbortSignal.any([signal, deadline])).catch((error: unknown) => {
        if (deadline.aborted && !signal.aborted) return undefined;
        throw error;
      })
    : { args: [], readAbove: [] };
  const timeLeft = options.timeLimitMs - (Date.now() - started);
  // With no time left, ripgrep is not started: whether it could finish before a timer of no delay
  // fires would depend on how busy the event loop is.
  if (plan === undefined || timeLeft <= 0) return { code: null, stderr: '', stopped: false, timedOut: true };
  // ripgrep's complaints about the lines of ignore files above the workspace would quote them.
  return spawnRipgrep([...CONFINED, ...plan.args, ...args], { ...options, timeLimitMs: timeLeft }, plan.readAbove.map((file) => `rg: ${file}:`));
}

function spawnRipgrep(args: readonly string[], options: RipgrepOptions, unshownMessages: readonly string[]): Promise<RipgrepExit> {
  const { signal } = options;
  let handedOver = 0;
  const shownPath = pathRewriter(options.shownAs?.paths ?? [], options.shownAs?.separator);
  const onLine = (line: string) => {
    handedOver++;
    return options.onLine(shownPath(line));
  };
  signal.throwIfAborted();
  return new Promise((resolve, reject) => {
    const child = spawnOwned(rgPath, args, { cwd: options.cwd, env: childEnvironment(), readsFiles: options.listsNames !== true });
    const lines = lineSplitter(onLine, () => stop());
    let stderr = '';
    let stopped = false;
    let timedOut = false;
    const stop = () => {
      if (stopped) return;
      stopped = true;
      child.stdout.destroy();
      killOwned(child);
    };
    const onAbort = () => {
      stop();
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(() => {
      timedOut = true;
      stop();
    }, options.timeLimitMs);

    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      if (!stopped) lines.take(chunk);
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      if (stderr.length < STDERR_KEPT) stderr += chunk;
    });
    const settled = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    };
    child.on('error', (error) => {
      settled();
      reject(error);
    });
    child.on('close', (status) => {
      settled();
      if (signal.aborted) return;
      if (!stopped) lines.end();
      // A search stopped by its caller or its time limit did not end on its own.
      const stoppedEarly = stopped && !timedOut;
      const messages = stderr.slice(0, STDERR_KEPT).split('\n').filter((line) => !unshownMessages.some((start) => line.startsWith(start)));
      const shown = messageRewriter(shownPath)(messages.join('\n').trim());
      // Exit status 2 for messages that are not shown would be an error without a word.
      const code = status === 2 && shown === '' && stderr !== '' ? (handedOver > 0 ? 0 : 1) : status;
      // When the globs leave no file to search, ripgrep says so and exits 2; for a search that is
      // simply "nothing found".
      if (code === 2 && shown.startsWith(NOTHING_SEARCHED)) resolve({ code: 1, stderr: '', stopped: stoppedEarly, timedOut });
      else resolve({ code, stderr: shown, stopped: stoppedEarly, timedOut });
    });
  });
}

/**
 * Cuts ripgrep's output into lines. Only the start of a line still being received is kept
 * (MAX_LINE_CHARS), so memory stays small however long a line is.
 */
function lineSplitter(onLine: (line: string) => boolean | void, stop: () => void) {
  let pending = '';
  let cut = false;
  return {
    take(chunk: string) {
      let start = 0;
      for (;;) {
        const newline = chunk.indexOf('\n', start);
        const piece = newline === -1 ? chunk.slice(start) : chunk.slice(start, newline);
        if (!cut) {
          pending += piece.slice(0, MAX_LINE_CHARS - pending.length);
          cut = pending.length >= MAX_LINE_CHARS;
        }
        if (newline === -1) return;
        const line = pending;
        pending = '';
        cut = false;
        start = newline + 1;
        if (onLine(line) === false) {
          stop();
          return;
        }
      }
    },
    end() {
      if (pending !== '') onLine(pending);
    },
  };
}
