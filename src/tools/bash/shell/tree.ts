import path from 'node:path';
import { defineCommand, type IFileSystem } from 'just-bash';
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

function parseTreeArgs(args: readonly string[]): { options: TreeOptions; operands: string[] } | string {
  const options: TreeOptions = {
    all: false,
    dirsOnly: false,
    fullPath: false,
    classify: false,
    noReport: false,
    dirsFirst: false,
    maxDepth: Infinity,
  };
  const operands: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--noreport') options.noReport = true;
    else if (arg === '--dirsfirst') options.dirsFirst = true;
    else if (arg === '-L' || arg === '-I' || arg === '-P') {
      const value = args[++i];
      if (value === undefined) return `missing argument to ${arg} option.`;
      if (arg === '-L') {
        const level = Number(value);
        if (!Number.isInteger(level) || level < 1) return 'Invalid level, must be greater than 0.';
        options.maxDepth = level;
      } else if (arg === '-I') {
        options.exclude = wildcardRegex(value);
      } else {
        options.include = wildcardRegex(value);
      }
    } else if (/^-[adfF]+$/.test(arg)) {
      for (const letter of arg.slice(1)) {
        if (letter === 'a') options.all = true;
        if (letter === 'd') options.dirsOnly = true;
        if (letter === 'f') options.fullPath = true;
        if (letter === 'F') options.classify = true;
      }
    } else if (arg.startsWith('-') && arg !== '-') {
      return `Invalid argument -\`${arg.replace(/^-+/, '')}'.`;
    } else {
      operands.push(arg);
    }
  }
  return { options, operands };
}

/** tree's -I/-P patterns: shell wildcards, alternatives separated by `|`, matched against names. */
function wildcardRegex(pattern: string): RegExp {
  const alternatives = pattern.split('|').map((alt) =>
    alt.replace(/[.+^${}()\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.'),
  );
  return new RegExp(`^(?:${alternatives.join('|')})$`);
}
