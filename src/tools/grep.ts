import { stat } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { defineTool, ToolFailure, toolUseError, type TitleContext } from './defineTool';
import { UnsafeIgnoreFile, unsafeIgnoreFileMessage } from './support/ignoreFiles';
import { sortByModificationTime } from './support/modificationTimes';
import { matchesEverything, ripgrepArgs, runRipgrep } from './support/ripgrep';
import { displayPath, searchTargets, workspaceLabel } from './support/workspacePaths';

/** Results shown when the model gives no head_limit: enough to orient, small enough for a 16K context. */
export const GREP_DEFAULT_LIMIT = 100;
/** The most results one call returns, whatever head_limit says. */
export const GREP_MAX_LIMIT = 2000;
/** Files/count listings are collected whole (to sort them); past this many, stop collecting. */
const COLLECTED_MAX = 200_000;
/**
 * How long one search may run. ripgrep reads well over 1 GB a second from the page cache, so a
 * minute covers any source tree; what takes longer is a search that went wrong (a file of many
 * gigabytes, a named FIFO, a network mount) and would hold the turn for nothing.
 */
export const GREP_TIME_LIMIT_MS = 60_000;

const count = z.number().int().nonnegative();

const parameters = z.object({
  pattern: z.string(),
  path: z.string().optional(),
  glob: z.string().optional(),
  type: z.string().optional(),
  output_mode: z.enum(['files_with_matches', 'content', 'count']).optional(),
  '-i': z.boolean().optional(),
  '-n': z.boolean().optional(),
  '-A': count.optional(),
  '-B': count.optional(),
  '-C': count.optional(),
  context: count.optional(),
  head_limit: count.optional(),
  offset: count.optional(),
  multiline: z.boolean().optional(),
});

type GrepInput = z.infer<typeof parameters>;

export const grepTool = makeGrepTool({ timeLimitMs: GREP_TIME_LIMIT_MS });

/** The Grep tool with its time limit; tests make one with a small limit. */
export function makeGrepTool(limits: { timeLimitMs: number }) {
  return defineTool({
    name: 'Grep',
    description: [
      'Searches file contents with ripgrep regular expressions (e.g. "def create_app", "log.*Error").',
      'output_mode: "files_with_matches" (default, newest first), "content" (matching lines; -n, -A, -B, -C, context), or "count".',
      'Filter with glob ("*.py", "*.{ts,tsx}") or type ("py", "js"); -i for case-insensitive; multiline for patterns across lines;',
      'head_limit and offset page through long results. Files ignored by .gitignore are skipped.',
    ].join('\n'),
    parameters,
    aliases: { regex: 'pattern', include: 'glob', file_path: 'path', ignore_case: '-i', case_insensitive: '-i' },
    title: grepTitle,
    async execute(input, ctx) {
      const mode = input.output_mode ?? 'files_with_matches';
      const targets = await searchTargets(input.path, ctx);
      for (const target of targets) {
        const named = input.path ?? target.absolute;
        if (!target.exists) {
          throw new ToolFailure(toolUseError(`Path does not exist: ${named}. Note: your current working directory is ${ctx.cwd}.`));
        }
        if (!(await isFileOrDirectory(target.real))) {
          // ripgrep would block on a FIFO named explicitly until the run is cancelled.
          throw new ToolFailure(toolUseError(`Cannot search ${named}: it is neither a file nor a directory.`));
        }
      }
      const offset = input.offset ?? 0;
      // As in the trained tool, head_limit 0 means no limit (up to the most one call returns).
      const limit = input.head_limit === 0 ? GREP_MAX_LIMIT : Math.min(input.head_limit ?? GREP_DEFAULT_LIMIT, GREP_MAX_LIMIT);
      const flags = grepFlags(input, mode);

      const lines: string[] = [];
      // Content is streamed in path order and cut at the page's end; listings are sorted afterwards, so collect them whole.
      const wanted = mode === 'content' ? offset + limit + 1 : COLLECTED_MAX;
      const started = Date.now();
      let failure = '';
      // One ripgrep per root searched (see searchTargets), in turn, within one time limit.
      for (const target of targets) {
        if (lines.length >= wanted) break;
        const timeLeft = limits.timeLimitMs - (Date.now() - started);
        // ripgrep puts `--` between groups of context lines; the groups of two searches need one too.
        if (mode === 'content' && lines.length > 0 && showsContext(flags)) lines.push('--');
        const before = lines.length;
        // ripgrep opens the path as the host read it and prints it as the model named it; the
        // working folder itself it searches from inside, naming nothing, so that lines stay relative.
        const shown = displayPath(target.absolute, ctx.cwd);
        const directory = (await stat(target.real)).isDirectory();
        const exit =
          timeLeft <= 0
            ? { timedOut: true, code: null, stderr: '' }
            : await runRipgrep(ripgrepArgs(flags, positionals(input.pattern, shown === '.' ? undefined : target.real), ctx.exclude), {
                cwd: directory ? target.real : path.dirname(target.real),
                signal: ctx.signal,
                timeLimitMs: timeLeft,
                shownAs: { paths: [{ passed: target.real, shown, directory }] },
                readsIgnoreFilesIn: { paths: [target.real], roots: ctx.roots },
                onLine: (line) => {
                  lines.push(line);
                  return lines.length < wanted;
                },
              }).catch((error: unknown) => {
                if (error instanceof UnsafeIgnoreFile) throw new ToolFailure(toolUseError(unsafeIgnoreFileMessage(error, ctx.cwd)), 'refused');
                throw error;
              });
        if (exit.timedOut) {
          throw new ToolFailure(
            toolUseError(
              `Grep stopped after ${limits.timeLimitMs / 1000} seconds without finishing. ` +
                'Search a smaller path, narrow the files with glob or type, or use a more specific pattern.',
            ),
          );
        }
        if (lines.length === before && lines.at(-1) === '--') lines.pop();
        if (exit.code === 2 && lines.length === before && exit.stderr !== '') failure ||= exit.stderr;
      }
      if (failure !== '' && lines.length === 0) throw new ToolFailure(toolUseError(failure));

      const title = grepTitle(input, ctx);
      const page = <T>(items: readonly T[]) => ({ items: items.slice(offset, offset + limit), cut: offset > 0 || items.length > offset + limit });
      const note = `[Showing results with pagination = limit: ${limit}, offset: ${offset}]`;

      if (mode === 'content') {
        const { items, cut } = page(lines);
        const shown = dropTrailingSeparator(items);
        const output = shown.length === 0 ? 'No matches found' : shown.join('\n') + (cut ? `\n\n${note}` : '');
        return { output, title, metadata: { mode, lines: shown.length, truncated: cut } };
      }

      if (mode === 'count') {
        const entries = lines.map(parseCountLine).sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
        if (entries.length === 0) return { output: 'No matches found', title, metadata: { mode, matches: 0, files: 0, truncated: false } };
        const total = entries.reduce((sum, entry) => sum + entry.count, 0);
        const { items, cut } = page(entries);
        const summary = `Found ${total} total ${total === 1 ? 'occurrence' : 'occurrences'} across ${plural(entries.length, 'file')}.`;
        const output = [...items.map((entry) => entry.line), '', summary].join('\n') + (cut ? `\n\n${note}` : '');
        return { output, title, metadata: { mode, matches: total, files: entries.length, truncated: cut } };
      }

      if (lines.length === 0) return { output: 'No files found', title, metadata: { mode, files: 0, truncated: false } };
      const ordered = await sortByModificationTime(lines, { cwd: ctx.cwd, oldestFirst: false, signal: ctx.signal });
      const { items, cut } = page(ordered);
      const output = [`Found ${plural(items.length, 'file')}`, ...items].join('\n') + (cut ? `\n\n${note}` : '');
      return { output, title, metadata: { mode, files: lines.length, shown: items.length, truncated: cut } };
    },
  });
}

async function isFileOrDirectory(real: string): Promise<boolean> {
  const info = await stat(real);
  return info.isFile() || info.isDirectory();
}

function grepFlags(input: GrepInput, mode: NonNullable<GrepInput['output_mode']>): string[] {
  const flags = ['--max-columns', '500'];
  if (input.multiline) flags.push('-U', '--multiline-dotall');
  if (input['-i']) flags.push('-i');
  if (mode === 'files_with_matches') flags.push('-l');
  if (mode === 'count') flags.push('-c');
  if (mode === 'content') {
    // Sorted so that offset pages through a stable order.
    flags.push('--sort', 'path');
    if (input['-n'] ?? true) flags.push('-n');
    const around = input.context ?? input['-C'];
    if (around !== undefined) flags.push('-C', String(around));
    else {
      if (input['-A'] !== undefined) flags.push('-A', String(input['-A']));
      if (input['-B'] !== undefined) flags.push('-B', String(input['-B']));
    }
  }
  for (const glob of splitGlobs(input.glob ?? '')) if (!matchesEverything(glob)) flags.push('--glob', glob);
  if (input.type) flags.push('--type', input.type);
  return flags;
}

function showsContext(flags: readonly string[]): boolean {
  return flags.some((flag) => flag === '-C' || flag === '-A' || flag === '-B');
}

/** A pattern that starts with `-` goes through -e so ripgrep does not read it as a flag; `--` guards the path the same way. */
function positionals(pattern: string, searched: string | undefined): string[] {
  const where = searched === undefined ? [] : [searched];
  return pattern.startsWith('-') ? ['-e', pattern, '--', ...where] : ['--', pattern, ...where];
}

/** `*.ts,*.tsx` or `*.py docs/*.md` are several globs; `*.{ts,tsx}` is one. */
export function splitGlobs(globs: string): string[] {
  const result: string[] = [];
  let current = '';
  let depth = 0;
  for (const char of globs) {
    if (char === '{') depth++;
    if (char === '}') depth = Math.max(0, depth - 1);
    if (depth === 0 && (char === ',' || /\s/.test(char))) {
      if (current !== '') result.push(current);
      current = '';
    } else current += char;
  }
  if (current !== '') result.push(current);
  return result;
}

/** `path:3`, or a bare `3` when ripgrep searched a single file. The path may itself hold colons. */
function parseCountLine(line: string): { file: string; count: number; line: string } {
  const colon = line.lastIndexOf(':');
  return { file: colon === -1 ? '' : line.slice(0, colon), count: Number(line.slice(colon + 1)) || 0, line };
}

/** A page cut just after a group leaves ripgrep's `--` separator dangling. */
function dropTrailingSeparator(lines: string[]): string[] {
  return lines.at(-1) === '--' ? lines.slice(0, -1) : lines;
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function grepTitle(input: Partial<GrepInput>, ctx: TitleContext): string {
  const where = input.path ? ` in ${workspaceLabel(path.resolve(ctx.cwd, input.path), ctx.roots)}` : '';
  const filter = input.glob ? ` (${input.glob})` : input.type ? ` (${input.type})` : '';
  return `Grep ${JSON.stringify(input.pattern ?? '')}${where}${filter}`;
}
