import path from 'node:path';
import { defineCommand, type IFileSystem } from 'just-bash';
import { COMMAND_OPTIONS } from '../gate/commandOptions';
import { hasOption, parseOptions } from '../gate/options';
import { compareBytes } from './gnuFormat';

/**
 * `tree` as GNU tree 2.x prints it in a UTF-8 locale (box-drawing branches, names in byte
 * order, the listed directory counted, links shown as `name -> target` and not followed).
 * The simulated shell's own tree sorts and counts differently, and the model knows GNU's.
 */
interface TreeOptions {
  all: boolean;
  dirsOnly: boolean;
  fullPath: boolean;
  classify: boolean;
  noReport: boolean;
  dirsFirst: boolean;
  maxDepth: number;
  exclude?: RegExp;
  include?: RegExp;
}

interface Entry {
  name: string;
  full: string;
  kind: 'dir' | 'file' | 'link';
  linkTarget?: string;
  linkToDir?: boolean;
}

const BRANCH = '├── ';
const LAST_BRANCH = '└── ';
const VERTICAL = '│\u00a0\u00a0 ';
const SPACE = '    ';

export const treeCommand = defineCommand('tree', async (args, ctx) => {
  const parsed = parseTreeArgs(args);
  if (typeof parsed === 'string') return { stdout: '', stderr: `tree: ${parsed}\n`, exitCode: 2 };
  const { options, operands } = parsed;
  const counts = { dirs: 0, files: 0 };
  let stdout = '';
  let exitCode = 0;
  for (const operand of operands.length > 0 ? operands : ['.']) {
    const absolute = path.posix.resolve(ctx.cwd, operand);
    const shown = options.classify && !operand.endsWith('/') ? `${operand}/` : operand;
    let isDirectory = false;
    try {
      isDirectory = (await ctx.fs.stat(absolute)).isDirectory;
    } catch {
      isDirectory = false;
    }
    if (!isDirectory) {
      stdout += `${operand}  [error opening dir]\n`;
      exitCode = 2;
      if (await exists(ctx.fs, absolute)) counts.files++;
      continue;
    }
    counts.dirs++;
    stdout += `${shown}\n`;
    stdout += await listDirectory(ctx.fs, absolute, operand, '', 1, options, counts);
  }
  if (!options.noReport) {
    const dirs = `${counts.dirs} ${counts.dirs === 1 ? 'directory' : 'directories'}`;
    const files = `${counts.files} ${counts.files === 1 ? 'file' : 'files'}`;
    stdout += `\n${options.dirsOnly ? dirs : `${dirs}, ${files}`}\n`;
  }
  return { stdout, stderr: '', exitCode };
});

async function listDirectory(
  fs: IFileSystem,
  absolute: string,
  shownPath: string,
  prefix: string,
  depth: number,
  options: TreeOptions,
  counts: { dirs: number; files: number },
): Promise<string> {
  if (depth > options.maxDepth) return '';
  let names: string[];
  try {
    names = await fs.readdir(absolute);
  } catch {
    return '';
  }
  const entries: Entry[] = [];
  for (const name of names) {
    if (!options.all && name.startsWith('.')) continue;
    const full = path.posix.join(absolute, name);
    const entry = await describe(fs, full, name);
    const isDir = entry.kind === 'dir' || (entry.kind === 'link' && entry.linkToDir === true);
    if (options.dirsOnly && !isDir) continue;
    if (options.exclude?.test(name)) continue;
    if (options.include && !isDir && !options.include.test(name)) continue;
    entries.push(entry);
  }
  entries.sort((a, b) => {
    if (options.dirsFirst) {
      const aDir = a.kind === 'dir' ? 0 : 1;
      const bDir = b.kind === 'dir' ? 0 : 1;
      if (aDir !== bDir) return aDir - bDir;
    }
    return compareBytes(a.name, b.name);
  });
  let out = '';
  for (const [index, entry] of entries.entries()) {
    const last = index === entries.length - 1;
    const childShown = `${shownPath}/${entry.name}`;
    let label = options.fullPath ? childShown : entry.name;
    if (entry.kind === 'link') {
      label += ` -> ${entry.linkTarget}${options.classify && entry.linkToDir ? '/' : ''}`;
      if (entry.linkToDir) counts.dirs++;
      else counts.files++;
    } else if (entry.kind === 'dir') {
      label += options.classify ? '/' : '';
      counts.dirs++;
    } else {
      counts.files++;
    }
    out += `${prefix}${last ? LAST_BRANCH : BRANCH}${label}\n`;
    if (entry.kind === 'dir') {
      out += await listDirectory(fs, entry.full, childShown, prefix + (last ? SPACE : VERTICAL), depth + 1, options, counts);
    }
  }
  return out;
}

async function describe(fs: IFileSystem, full: string, name: string): Promise<Entry> {
  try {
    const stat = await fs.lstat(full);
    if (stat.isSymbolicLink) {
      let linkTarget = '';
      let linkToDir = false;
      try {
        linkTarget = await fs.readlink(full);
        linkToDir = (await fs.stat(full)).isDirectory;
      } catch {
        linkToDir = false;
      }
      return { name, full, kind: 'link', linkTarget, linkToDir };
    }
    return { name, full, kind: stat.isDirectory ? 'dir' : 'file' };
  } catch {
    return { name, full, kind: 'file' };
  }
}

async function exists(fs: IFileSystem, target: string): Promise<boolean> {
  try {
    await fs.lstat(target);
    return true;
  } catch {
    return false;
  }
}

/** tree's options, read by the gate's spec (its guard has refused any other before this runs). */
function parseTreeArgs(args: readonly string[]): { options: TreeOptions; operands: string[] } | string {
  const parsed = parseOptions('tree', args, COMMAND_OPTIONS.tree);
  const options: TreeOptions = {
    all: hasOption(parsed, '-a'),
    dirsOnly: hasOption(parsed, '-d'),
    fullPath: hasOption(parsed, '-f'),
    classify: hasOption(parsed, '-F'),
    noReport: hasOption(parsed, '--noreport'),
    dirsFirst: hasOption(parsed, '--dirsfirst'),
    maxDepth: Infinity,
  };
  for (const { name, value = '' } of parsed.options) {
    if (name === '-L') {
      const level = Number(value);
      if (!Number.isInteger(level) || level < 1) return 'Invalid level, must be greater than 0.';
      options.maxDepth = level;
    } else if (name === '-I') {
      options.exclude = wildcardRegex(value);
    } else if (name === '-P') {
      options.include = wildcardRegex(value);
    }
  }
  return { options, operands: parsed.operands };
}

/** tree's -I/-P patterns: shell wildcards, alternatives separated by `|`, matched against names. */
function wildcardRegex(pattern: string): RegExp {
  const alternatives = pattern.split('|').map((alt) =>
    alt.replace(/[.+^${}()\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.'),
  );
  return new RegExp(`^(?:${alternatives.join('|')})$`);
}
