import { stat } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { defineTool, ToolFailure, type TitleContext } from './defineTool';
import { hasBinaryExtension, looksBinary } from './support/binaryFiles';
import { readLineWindow } from './support/lineWindow';
import { findSimilarSibling } from './support/similarNames';
import { resolveWorkspacePath, workspaceLabel } from './support/workspacePaths';

/** Lines shown when the model gives no limit, and the most one call shows. */
export const READ_WINDOW_LINES = 2000;
export const READ_MAX_LINE_LENGTH = 2000;
/** Whole-file reads stop here; past it the model must page with offset/limit or search. */
export const READ_MAX_BYTES = 256 * 1024;
/**
 * How far into a file Read goes looking for its window: reaching line N means reading every byte
 * before it, and an offset into a 50 GB file (or into one line of a gigabyte) read on for
 * minutes. 64 MB is read in well under a second and holds a million lines of code; further in,
 * Grep finds the lines (it reads gigabytes a second and shows them with context).
 */
export const READ_MAX_SCAN_BYTES = 64 * 1024 * 1024;
/** A backstop for storage slower than the scan limit assumes (a network mount, a stalled disk). */
export const READ_TIME_LIMIT_MS = 30_000;

const parameters = z.object({
  file_path: z.string().min(1),
  offset: z.number().int().nonnegative().optional(),
  limit: z.number().int().positive().optional(),
});

type ReadInput = z.infer<typeof parameters>;

export const readTool = makeReadTool({ maxScanBytes: READ_MAX_SCAN_BYTES, timeLimitMs: READ_TIME_LIMIT_MS });

/** The Read tool with its limits; tests make one with small ones. */
export function makeReadTool(limits: { maxScanBytes: number; timeLimitMs: number }) {
  return defineTool({
    name: 'Read',
    description: [
      'Reads a text file of the workspace. file_path is absolute.',
      'Output lines are numbered (`    10→text`); at most 2000 lines from `offset` (1-based), or `limit` lines.',
      'Lines longer than 2000 characters are cut. Binary files are refused; files over 256KB need offset/limit.',
    ].join('\n'),
    parameters,
    aliases: { path: 'file_path', filePath: 'file_path', filename: 'file_path', file: 'file_path' },
    ignored: ['pages'],
    title: readTitle,
    async execute(input, ctx) {
      const file = await resolveWorkspacePath(input.file_path, ctx);
      if (!file.exists) {
        const similar = await findSimilarSibling(file.absolute);
        const hint = similar === null ? '' : ` Did you mean ${similar}?`;
        throw new ToolFailure(`File does not exist. Note: your current working directory is ${ctx.cwd}.${hint}`);
      }
      const info = await stat(file.real);
      // The trained tool's own words first; then what to use instead, which they leave out.
      if (info.isDirectory()) throw new ToolFailure(`EISDIR: illegal operation on a directory, read '${file.absolute}'. It is a directory: list it with Glob or Bash (ls), and Read a file in it.`);
      // A FIFO or socket would block the read until the run is cancelled.
      if (!info.isFile()) throw new ToolFailure(`This tool cannot read ${file.absolute}: it is not a regular file.`);
      if (hasBinaryExtension(file.real) || (await looksBinary(file.real))) {
        const extension = path.extname(file.absolute);
        const kind = extension === '' ? 'a binary file' : `a binary ${extension} file`;
        throw new ToolFailure(`This tool cannot read binary files. The file appears to be ${kind}. Please use appropriate tools for binary file analysis.`);
      }
      if (info.size > READ_MAX_BYTES && input.offset === undefined && input.limit === undefined) {
        throw new ToolFailure(
          `File content (${formatFileSize(info.size)}) exceeds maximum allowed size (${formatFileSize(READ_MAX_BYTES)}). ` +
            'Use offset and limit parameters to read specific portions of the file, or search for specific content instead of reading the whole file.',
        );
      }

      const first = Math.max(1, input.offset ?? 1);
      const count = Math.min(input.limit ?? READ_WINDOW_LINES, READ_WINDOW_LINES);
      const signal = AbortSignal.any([ctx.signal, AbortSignal.timeout(limits.timeLimitMs)]);
      const window = await readLineWindow(file.real, { first, count, maxLineLength: READ_MAX_LINE_LENGTH, maxScanBytes: limits.maxScanBytes, signal }).catch(
        (error: unknown) => {
          if (ctx.signal.aborted || !signal.aborted) throw error;
          throw new ToolFailure(`Read stopped after ${limits.timeLimitMs / 1000} seconds without reaching line ${first}. ${SEARCH_INSTEAD}`);
        },
      );
      const title = readTitle(input, ctx);
      const metadata = { path: file.absolute, startLine: first, lines: window.lines.length, totalLines: window.totalLines };
      const scanned = formatFileSize(limits.maxScanBytes);

      if (window.scanLimitReached && window.lines.length === 0) {
        throw new ToolFailure(`Read scans at most the first ${scanned} of a file and did not reach line ${first} there. ${SEARCH_INSTEAD}`);
      }

      if (window.totalLines === 0) {
        return { output: '<system-reminder>Warning: the file exists but the contents are empty.</system-reminder>', title, metadata };
      }
      if (window.lines.length === 0) {
        return {
          output: `<system-reminder>Warning: the file exists but is shorter than the provided offset (${input.offset}). The file has ${window.totalLines} lines.</system-reminder>`,
          title,
          metadata,
        };
      }
      const numbered = window.lines.map((line, index) => `${String(first + index).padStart(6)}→${line}`).join('\n');
      const cutShort = window.scanLimitReached
        ? `\n<system-reminder>Read stopped after the first ${scanned} of the file; lines after ${first + window.lines.length - 1} were not read.</system-reminder>`
        : '';
      return { output: numbered + cutShort, title, metadata: { ...metadata, scanLimitReached: window.scanLimitReached } };
    },
  });
}

const SEARCH_INSTEAD = 'Use Grep with output_mode "content" (and -C for context) to find the lines you need in a file this large.';

function readTitle(input: Partial<ReadInput>, ctx: TitleContext): string {
  const shown = input.file_path ? workspaceLabel(path.resolve(ctx.cwd, input.file_path), ctx.roots) : '';
  if (input.offset === undefined && input.limit === undefined) return `Read ${shown}`;
  const first = Math.max(1, input.offset ?? 1);
  return input.limit === undefined ? `Read ${shown}:${first}` : `Read ${shown}:${first}-${first + input.limit - 1}`;
}

/** Sizes as the trained tool wrote them: `312.5KB`, `1.2MB`, `256KB`. */
function formatFileSize(bytes: number): string {
  const units = ['bytes', 'KB', 'MB', 'GB'];
  let size = bytes;
  let unit = 0;
  while (size >= 1024 && unit < units.length - 1) {
    size /= 1024;
    unit++;
  }
  if (unit === 0) return `${bytes} bytes`;
  return `${size.toFixed(1).replace(/\.0$/, '')}${units[unit]}`;
}
