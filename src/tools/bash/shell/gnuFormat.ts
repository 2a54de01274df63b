import { readlink } from 'node:fs/promises';
import path from 'node:path';
import { defineCommand, type CustomCommand, type ExecResult, type IFileSystem, type ResolvedCommandContext } from 'just-bash';
import { COMMAND_OPTIONS } from '../gate/commandOptions';
import { hasOption, optionArgs, parseOptions, type ParsedOptions } from '../gate/options';
import { compareNames } from './diskListing';
import { listRecursive } from './listRecursive';
import { countBytes } from './prefixReads';
import type { Simulate } from './simulated';

/**
 * Wrappers that give the simulated `uniq`, `wc`, `ls` and `diff` GNU's layout where the
 * simulation differs (column widths, several operands), so the model sees what it learned.
 */
export function gnuFormatCommands(simulate: Simulate, roots: readonly string[]): CustomCommand[] {
  /** ls with GNU's layout of several operands: the files together first, then each directory under a header. */
  async function listGnu(args: string[], parsed: ParsedOptions, links: ReadonlySet<string>, ctx: ResolvedCommandContext): Promise<ExecResult> {
    const flags = optionArgs(parsed);
    const { operands } = parsed;
    const directoryOnly = hasOption(parsed, '-d', '--directory');
    if (operands.length === 1 && links.has(operands[0]!)) return simulate('ls', [...flags, '-d', '--', operands[0]!], ctx);
    const recursive = listRecursive(parsed, ctx.cwd, roots);
    if (recursive !== undefined) return recursive;
    if (operands.length === 1 && isPatternLike(operands[0]!)) return listLiteral(simulate, flags, operands[0]!, directoryOnly, ctx);
    // Several operands: GNU lists the files together first, then each directory under a header.
    if (operands.length <= 1 || hasOption(parsed, '-R', '-t', '-S', '-U', '-r', '-c', '-u', '--sort')) return simulate('ls', args, ctx);
    const files: string[] = [];
    const directories: string[] = [];
    let stderr = '';
    let exitCode = 0;
    for (const operand of operands) {
      const kind = await kindOf(ctx.fs, path.posix.resolve(ctx.cwd, operand));
      if (kind === undefined) {
        stderr += `ls: cannot access '${operand}': No such file or directory\n`;
        exitCode = 2;
      } else if (kind === 'dir' && !directoryOnly && !links.has(operand)) directories.push(operand);
      else files.push(operand);
    }
    let stdout = '';
    for (const file of files.sort(compareNames)) {
      const asFile = links.has(file) ? ['-d'] : [];
      const listed = isPatternLike(file) ? await listLiteral(simulate, flags, file, true, ctx) : await simulate('ls', [...flags, ...asFile, '--', file], ctx);
      stdout += listed.stdout;
      stderr += listed.stderr;
    }
    for (const directory of directories.sort(compareNames)) {
      const listed = isPatternLike(directory) ? await listLiteral(simulate, flags, directory, false, ctx) : await simulate('ls', [...flags, '--', directory], ctx);
      stdout += `${stdout === '' ? '' : '\n'}${directory}:\n${listed.stdout}`;
      stderr += listed.stderr;
      if (listed.exitCode !== 0) exitCode = listed.exitCode;
    }
    return { stdout, stderr, exitCode };
  }

  return [
    defineCommand('uniq', async (args, ctx) => {
      const result = await simulate('uniq', args, ctx);
      if (!hasOption(parseOptions('uniq', args, COMMAND_OPTIONS.uniq), '-c', '--count')) return result;
      // GNU prints counts as %7d followed by a space.
      return { ...result, stdout: result.stdout.replace(/^ *(\d+) /gm, (_, count: string) => `${count.padStart(7)} `) };
    }),
    defineCommand('wc', async (args, ctx) => {
      const result = (await countBytes(args, ctx)) ?? (await simulate('wc', args, ctx));
      const parsed = parseOptions('wc', args, COMMAND_OPTIONS.wc);
      const counters = countersOf(parsed);
      const width = await wcWidth(ctx, parsed.operands, counters);
      const numbers = Array.from({ length: counters }, () => ' *(\\d+)').join(' ');
      const line = new RegExp(`^${numbers}( .*)?$`);
      const stdout = result.stdout
        .split('\n')
        .map((text) => {
          const match = line.exec(text);
          if (!match) return text;
          const counts = match.slice(1, counters + 1).map((n) => n!.padStart(width));
          return counts.join(' ') + (match[counters + 1] ?? '');
        })
        .join('\n');
      return { ...result, stdout };
    }),
    defineCommand('ls', async (args, ctx) => {
      const parsed = parseOptions('ls', args, COMMAND_OPTIONS.ls);
      const links = await linkOperands(parsed, ctx);
      const result = await listGnu(args, parsed, links, ctx);
      return isLongFormat(parsed) ? { ...result, stdout: await withSymlinks(result.stdout, parsed, links, ctx) } : result;
    }),
    defineCommand('diff', async (args, ctx) => {
      const result = await simulate('diff', args, ctx);
      const parsed = parseOptions('diff', args, COMMAND_OPTIONS.diff);
      if (result.exitCode !== 1 || hasOption(parsed, '-q', '-s', '--brief', '--report-identical-files')) return result;
      // The simulation always writes a unified patch behind a line of `=`; GNU writes that only
      // for -u (without the `=` line), and its normal format otherwise.
      const unified = result.stdout.replace(/^=+\n/, '');
      if (hasOption(parsed, '-u', '--unified')) return { ...result, stdout: unified.replace(/^(---|\+\+\+) (.*)\t\n/gm, '$1 $2\n') };
      return { ...result, stdout: normalFormat(unified) };
    }),
  ];
}

/**
 * GNU diff's normal format (`2c2`, `< old`, `---`, `> new`) from a unified patch: each run of
 * removed and added lines between context lines becomes one change command.
 */
export function normalFormat(unified: string): string {
  const out: string[] = [];
  let oldLine = 0;
  let newLine = 0;
  let removed: string[] = [];
  let added: string[] = [];
  let removedFrom = 0;
  let addedFrom = 0;
  const range = (from: number, count: number) => (count === 1 ? `${from}` : `${from},${from + count - 1}`);
  const flush = () => {
    const r = removed.filter((line) => !line.startsWith('\\')).length;
    const a = added.filter((line) => !line.startsWith('\\')).length;
    if (r > 0 && a > 0) out.push(`${range(removedFrom, r)}c${range(addedFrom, a)}`, ...removed, '---', ...added);
    else if (r > 0) out.push(`${range(removedFrom, r)}d${addedFrom - 1}`, ...removed);
    else if (a > 0) out.push(`${removedFrom - 1}a${range(addedFrom, a)}`, ...added);
    removed = [];
    added = [];
  };
  let last: 'old' | 'new' | 'both' = 'both';
  for (const line of unified.split('\n')) {
    const hunk = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/.exec(line);
    if (hunk) {
      flush();
      // A side with no lines names the line before the hunk.
      oldLine = Number(hunk[1]) + (hunk[2] === '0' ? 1 : 0);
      newLine = Number(hunk[3]) + (hunk[4] === '0' ? 1 : 0);
      continue;
    }
    if (line.startsWith('--- ') || line.startsWith('+++ ') || line === '') continue;
    if (line.startsWith('\\')) {
      // "\ No newline at end of file" follows the line it describes; GNU's normal format shows
      // it for changed lines only.
      if (last === 'old') removed.push(line);
      else if (last === 'new') added.push(line);
      continue;
    }
    if (line.startsWith(' ')) {
      flush();
      oldLine++;
      newLine++;
      last = 'both';
    } else if (line.startsWith('-')) {
      if (removed.length === 0 && added.length === 0) {
        removedFrom = oldLine;
        addedFrom = newLine;
      }
      removed.push(`< ${line.slice(1)}`);
      oldLine++;
      last = 'old';
    } else if (line.startsWith('+')) {
      if (removed.length === 0 && added.length === 0) {
        removedFrom = oldLine;
        addedFrom = newLine;
      }
      added.push(`> ${line.slice(1)}`);
      newLine++;
      last = 'new';
    }
  }
  flush();
  return out.length === 0 ? '' : `${out.join('\n')}\n`;
}

/**
 * The operands that name a symbolic link which GNU ls lists as the link itself: with -l, -d or -F
 * it does not follow a link named on the command line, unless a trailing `/` asks the kernel to.
 * Without them a link to a directory lists the directory, as the simulated ls does anyway.
 */
async function linkOperands(parsed: ParsedOptions, ctx: ResolvedCommandContext): Promise<Set<string>> {
  const classify = hasOption(parsed, '-F', '--classify') || parsed.options.some((option) => option.name === '--indicator-style' && option.value === 'classify');
  if (!isLongFormat(parsed) && !classify && !hasOption(parsed, '-d', '--directory')) return new Set();
  const links = new Set<string>();
  for (const operand of parsed.operands) {
    if (operand.endsWith('/')) continue;
    try {
      if ((await ctx.fs.lstat(path.posix.resolve(ctx.cwd, operand))).isSymbolicLink) links.add(operand);
    } catch {
      // Missing: ls reports it like any other operand.
    }
  }
  return links;
}

/** ls -l or --format=long. */
function isLongFormat(parsed: ParsedOptions): boolean {
  return hasOption(parsed, '-l') || parsed.options.some((option) => option.name === '--format' && option.value === 'long');
}

/** One line of the simulated long listing: mode, links, owner, group, size, date, then the name. */
const LONG_LINE = /^([-dlcbps][-rwxsStT]{9})( +\d+ +\S+ +\S+ +)(\d+)( +\S+ +\d+ +[\d:]+ )(.*)$/;

/**
 * GNU's long listing shows a symbolic link as one (`l` mode, its target after `->`) and a
 * directory's name without the `/` that the simulation appends; the model reads links to learn
 * how a repository is wired, and the link's own text is workspace content, wherever it points.
 */
async function withSymlinks(stdout: string, parsed: ParsedOptions, links: ReadonlySet<string>, ctx: ResolvedCommandContext): Promise<string> {
  const { operands } = parsed;
  const classify = hasOption(parsed, '-F', '-p', '--classify', '--indicator-style');
  const listsContents = operands.length === 1 && !links.has(operands[0]!) && !hasOption(parsed, '-d', '--directory');
  const single = listsContents ? path.posix.resolve(ctx.cwd, operands[0]!) : undefined;
  let dir = single !== undefined && (await kindOf(ctx.fs, single)) === 'dir' ? single : ctx.cwd;
  const lines: string[] = [];
  for (const line of stdout.split('\n')) {
    const header = /^(.+):$/.exec(line);
    if (header && !LONG_LINE.test(line)) {
      dir = path.posix.resolve(ctx.cwd, header[1]!);
      lines.push(line);
      continue;
    }
    const match = LONG_LINE.exec(line);
    if (!match) {
      lines.push(line);
      continue;
    }
    const [, mode, middle, size, date, shown] = match as unknown as [string, string, string, string, string, string];
    const name = classify ? shown : shown.replace(/\/$/, '');
    // `.` and `..` are the listed directory and its parent, even when it was reached through a link.
    if (name === '.' || name === '..' || name === './' || name === '../') {
      lines.push(`${mode}${middle}${size}${date}${name}`);
      continue;
    }
    const entry = path.posix.resolve(dir, name.replace(/[*@=|/]$/, ''));
    const target = await linkTarget(ctx, entry);
    if (target === undefined) {
      lines.push(`${mode}${middle}${size}${date}${name}`);
      continue;
    }
    // The size column keeps its width: a link's size is the length of its text.
    const width = middle.length - middle.trimEnd().length + size.length;
    lines.push(`lrwxrwxrwx${middle.trimEnd()}${String(Buffer.byteLength(target)).padStart(width)}${date}${name.replace(/@$/, '')} -> ${target}`);
  }
  return lines.join('\n');
}

/**
 * The link's own text. The simulated file system shortens a target outside the workspace to its
 * last name (`/etc/passwd` would read `passwd`, a file that is not there); the text itself is
 * stored in the workspace, so it is read from disk (the workspace is mounted at its real path).
 */
async function linkTarget(ctx: ResolvedCommandContext, entry: string): Promise<string | undefined> {
  try {
    return (await ctx.fs.lstat(entry)).isSymbolicLink ? await readlink(entry) : undefined;
  } catch {
    return undefined;
  }
}

/** An operand holding `*`, `?` or `[`, which the simulated ls would take for a pattern. */
function isPatternLike(operand: string): boolean {
  return /[*?[]/.test(operand);
}

/**
 * Lists such an operand as the name it is, as GNU ls does: the shell has already expanded every
 * real glob, so what reaches ls was quoted or matched nothing. The simulated ls would match it
 * against every path of the file system instead, a synchronous scan of the whole workspace
 * (19 s on 100,000 files for `ls 'app/[slug]'`) with a backtracking matcher. It lists a name
 * literally with -d, and a directory from inside it as `.`.
 */
async function listLiteral(simulate: Simulate, flags: string[], operand: string, directoryOnly: boolean, ctx: ResolvedCommandContext): Promise<ExecResult> {
  const target = path.posix.resolve(ctx.cwd, operand);
  const kind = await kindOf(ctx.fs, target);
  if (kind === undefined) return { stdout: '', stderr: `ls: cannot access '${operand}': No such file or directory\n`, exitCode: 2 };
  if (kind === 'file' || directoryOnly) return simulate('ls', [...flags, '-d', '--', operand], ctx);
  const listed = await simulate('ls', [...flags, '--', '.'], { ...ctx, cwd: target });
  // -R names each directory in a header line; name them from the operand, not from `.`.
  const stdout = listed.stdout.replace(/(^|\n\n)\.(\/[^\n]*)?:\n/g, (_, before: string, rest: string | undefined) => `${before}${operand}${rest ?? ''}:\n`);
  return { ...listed, stdout };
}

/** How many numbers wc prints per line for these flags (lines, words, bytes by default). */
function countersOf(parsed: ParsedOptions): number {
  const counter: Readonly<Record<string, string>> = { '--lines': '-l', '--words': '-w', '--bytes': '-c', '--chars': '-m', '--max-line-length': '-L' };
  const selected = new Set(parsed.options.map(({ name }) => counter[name] ?? name));
  return selected.size === 0 ? 3 : selected.size;
}

/**
 * GNU wc's column width: one number for one file or for standard input needs no padding;
 * otherwise as wide as the total size of the regular files, and at least 7 when a counted
 * input is not a regular file (such as a pipe).
 */
async function wcWidth(ctx: ResolvedCommandContext, operands: readonly string[], counters: number): Promise<number> {
  if (operands.length <= 1 && counters === 1) return 1;
  if (operands.length === 0) return 7;
  let minimum = 1;
  let total = 0;
  for (const [index, operand] of operands.entries()) {
    try {
      const stat = await ctx.fs.stat(path.posix.resolve(ctx.cwd, operand));
      if (stat.isFile) total += stat.size;
      else minimum = 7;
    } catch {
      if (index === 0) return 1;
    }
  }
  return Math.max(String(total).length, minimum);
}

async function kindOf(fs: IFileSystem, target: string): Promise<'dir' | 'file' | undefined> {
  try {
    return (await fs.stat(target)).isDirectory ? 'dir' : 'file';
  } catch {
    try {
      await fs.lstat(target);
      return 'file';
    } catch {
      return undefined;
    }
  }
}
