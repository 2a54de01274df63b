import { constants } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import path from 'node:path';
import { bytesOutput, defineCommand, unsafeBytesFromLatin1, type CustomCommand, type ExecResult, type ResolvedCommandContext } from 'just-bash';
import { COMMAND_CHECKS } from '../gate/commandPolicy';
import { COMMAND_OPTIONS } from '../gate/commandOptions';
import { parseOptions } from '../gate/options';
import { landingOf } from '../paths';
import type { Simulate } from './simulated';

/**
 * `head -c N` and `wc -c` on files, answered the way GNU answers them: the first N bytes read
 * from disk, the count taken from the file's size. The simulated commands read each file whole
 * into memory, and may not read one over MAX_FILE_READ_BYTES at all; these two need not, so a
 * disk image or a large log can be measured and peeked at. Anything else (standard input, a
 * name that is not a regular file, another form of the options) goes to the simulated command.
 */

/** `head`: `-c N` over files from disk, everything else simulated. */
export function headCommand(simulate: Simulate): CustomCommand {
  return defineCommand('head', async (args, ctx) => {
    const use = COMMAND_CHECKS.head!(args);
    const files = use.readsPrefix === undefined ? undefined : await regularFiles(use.paths, ctx);
    if (files === undefined) return simulate('head', args, ctx);
    // GNU names each file in a header when there are several, unless told otherwise; the last of -q and -v wins.
    const quietOrVerbose = parseOptions('head', args, COMMAND_OPTIONS.head).options.filter((option) => /^(-q|-v|--quiet|--silent|--verbose)$/.test(option.name)).at(-1);
    const headers = quietOrVerbose === undefined ? files.length > 1 : quietOrVerbose.name === '-v' || quietOrVerbose.name === '--verbose';
    const chunks: Buffer[] = [];
    for (const [index, file] of files.entries()) {
      if (headers) chunks.push(Buffer.from(`${index > 0 ? '\n' : ''}==> ${file.operand} <==\n`));
      chunks.push(await readPrefix(file.real, use.readsPrefix!));
    }
    return { ...bytesOutput(unsafeBytesFromLatin1(Buffer.concat(chunks).toString('latin1'))), stderr: '', exitCode: 0 };
  });
}

/**
 * `wc -c FILE…` as GNU's unpadded lines (`SIZE NAME`, then `TOTAL total` for several), for the
 * caller to lay out; undefined when the simulated wc must answer.
 */
export async function countBytes(args: string[], ctx: ResolvedCommandContext): Promise<ExecResult | undefined> {
  const use = COMMAND_CHECKS.wc!(args);
  const files = use.readsPrefix === 0 ? await regularFiles(use.paths, ctx) : undefined;
  if (files === undefined) return undefined;
  const sizes = await Promise.all(files.map(async (file) => (await stat(file.real)).size));
  const lines = files.map((file, index) => `${sizes[index]} ${file.operand}`);
  if (files.length > 1) lines.push(`${sizes.reduce((sum, size) => sum + size, 0)} total`);
  return { stdout: `${lines.join('\n')}\n`, stderr: '', exitCode: 0 };
}

interface RegularFile {
  operand: string;
  /** Where the path lands on disk, as the gate resolved and confined it. */
  real: string;
}

/** The operands as regular files on disk; undefined when there are none, or one is anything else. */
async function regularFiles(operands: readonly string[], ctx: ResolvedCommandContext): Promise<RegularFile[] | undefined> {
  if (operands.length === 0 || operands.includes('-')) return undefined;
  const files: RegularFile[] = [];
  for (const operand of operands) {
    try {
      // The workspace is mounted at its real path, so the simulated path is the disk's.
      if (!(await ctx.fs.stat(path.posix.resolve(ctx.cwd, operand))).isFile) return undefined;
    } catch {
      return undefined;
    }
    const real = landingOf(operand, ctx.cwd);
    if (real === undefined) return undefined;
    files.push({ operand, real });
  }
  return files;
}

/**
 * The first `bytes` bytes of a file. Opened without following a last link (the path is already
 * resolved) and without blocking, should a FIFO have taken the file's place since it was checked.
 */
async function readPrefix(file: string, bytes: number): Promise<Buffer> {
  const handle = await open(file, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0));
  try {
    const info = await handle.stat();
    if (!info.isFile()) return Buffer.alloc(0);
    const buffer = Buffer.alloc(Math.min(bytes, info.size));
    let filled = 0;
    while (filled < buffer.length) {
      const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    return buffer.subarray(0, filled);
  } finally {
    await handle.close();
  }
}
