import { defineCommand, latin1FromBytes, type CustomCommand } from 'just-bash';
import { UnsafeIgnoreFile, unsafeIgnoreFileMessage } from '../../support/ignoreFiles';
import { MAX_LINE_CHARS, runRipgrep, type RipgrepOptions } from '../../support/ripgrep';
import { followsLinks, grepToRipgrep, stripTrailingSlashes } from './grepTranslation';
import { programCall } from '../gate/hostArguments';
import { COMMAND_OPTIONS } from '../gate/commandOptions';
import { hasOption, optionValues, parseOptions } from '../gate/options';
import type { Simulate } from './simulated';
import { searchAcrossRoots, type SearchScope } from './workspaceSearch';

/** Output kept from one search; the tool shows far less but counts what it drops. */
const MAX_SEARCH_OUTPUT_CHARS = 8 * 1024 * 1024;

/**
 * A backstop only: the Bash tool's own timeout (at most 600 s) aborts the signal first. This
 * bounds a search whose caller gave no signal.
 */
const SEARCH_TIME_LIMIT_MS = 600_000;

/**
 * ripgrep prints a matching line whole, and gathers it in its output buffer first: a line of a
 * gigabyte cost 3.6 GB. Lines are cut at runRipgrep's MAX_LINE_CHARS anyway (and the tool shows
 * 30,000 characters), so ripgrep may print only that much of one: output identical below it.
 * With -a (--text), a file of NULs (a sparse disk image) is one line of gigabytes that ripgrep would
 * also read onto its heap; memory-mapped, it stays in the page cache (only then: on many small
 * files mapping is slower than reading).
 */
const LONG_LINES = ['--max-columns', String(MAX_LINE_CHARS), '--max-columns-preview'];

/** Flags put before the model's own `rg` arguments: no colour (confinement flags come from runRipgrep). */
const RG_PREFIX = ['--color', 'never'];

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
 * options ripgrep cannot reproduce exactly, go to the simulated command. Either way a search
 * without a path covers every root in a question about the whole workspace (workspaceSearch.ts).
 */
export function searchCommands(simulate: Simulate, scope: SearchScope): CustomCommand[] {
  const { roots } = scope;
  return [
    defineCommand('grep', (args, ctx) =>
      searchAcrossRoots('grep', args, ctx, scope, async (searched) => {
        const translatable = latin1FromBytes(ctx.stdin) === '' && grepToRipgrep(searched) !== undefined;
        if (!translatable) {
          if (followsLinks(searched)) return { stdout: '', stderr: 'grep: -R follows symbolic links, which this tool does not; use -r\n', exitCode: 2 };
          return simulate('grep', searched, ctx);
        }
        const call = programCall('grep', searched, ctx.cwd, roots);
        if (typeof call === 'string') return { stdout: '', stderr: `grep: ${call}\n`, exitCode: 2 };
        // The translation prints a folder given as `src/` the way grep does, as `src/…`.
        const shownAs = call.shownAs.map((pair) => ({ ...pair, shown: stripTrailingSlashes(pair.shown) }));
        // --no-ignore in the translation: ripgrep reads no ignore file, as grep does not.
        const result = await ripgrep(grepToRipgrep(call.args)!, call.cwd, ctx.signal, { paths: shownAs });
        return result ? asGrepResult(result) : simulate('grep', searched, ctx);
      }),
    ),
    defineCommand('rg', async (args, ctx) => {
      if (latin1FromBytes(ctx.stdin) !== '') return simulate('rg', args, ctx);
      return searchAcrossRoots('rg', args, ctx, scope, async (searched) => {
        const call = programCall('rg', searched, ctx.cwd, roots);
        if (typeof call === 'string') return { stdout: '', stderr: `rg: ${call}\n`, exitCode: 2 };
        // Every folder searched, each root's included, has its ignore files checked before ripgrep opens them.
        const readsIgnoreFilesIn = { paths: call.searched, roots };
        const parsed = parseOptions('rg', searched, COMMAND_OPTIONS.rg);
        const shownAs = { paths: call.shownAs, separator: optionValues(parsed, '--path-separator').at(-1) };
        // -a spelled out, so that ripgrep() sees --text however the model wrote it.
        const text = hasOption(parsed, '-a', '--text') ? ['--text'] : [];
        return (await ripgrep([...RG_PREFIX, ...text, ...call.args], call.cwd, ctx.signal, shownAs, readsIgnoreFilesIn)) ?? simulate('rg', searched, ctx);
      });
    }),
  ];
}

/** Runs ripgrep; undefined when it cannot start (then the simulated command answers). */
async function ripgrep(
  args: string[],
  cwd: string,
  signal: AbortSignal | undefined,
  shownAs: RipgrepOptions['shownAs'],
  readsIgnoreFilesIn?: { paths: readonly string[]; roots: readonly string[] },
): Promise<SearchResult | undefined> {
  let stdout = '';
  try {
    const exit = await runRipgrep([...LONG_LINES, ...(args.includes('--text') ? ['--mmap'] : []), ...args], {
      cwd,
      signal: signal ?? new AbortController().signal,
      timeLimitMs: SEARCH_TIME_LIMIT_MS,
      readsIgnoreFilesIn,
      shownAs,
      onLine(line) {
        stdout += `${line}\n`;
        return stdout.length < MAX_SEARCH_OUTPUT_CHARS;
      },
    });
    const exitCode = exit.stopped ? 0 : exit.timedOut ? 124 : (exit.code ?? 2);
    return { stdout, stderr: exit.stderr === '' ? '' : `${exit.stderr}\n`, exitCode };
  } catch (error) {
    if (signal?.aborted) return { stdout, stderr: '', exitCode: 130 };
    if (error instanceof UnsafeIgnoreFile) {
      return { stdout: '', stderr: `rg: ${unsafeIgnoreFileMessage(error, cwd)}\n`, exitCode: 2 };
    }
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
