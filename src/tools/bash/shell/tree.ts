import { defineCommand, type CustomCommand } from 'just-bash';
import { COMMAND_OPTIONS } from '../gate/commandOptions';
import { hasOption, parseOptions } from '../gate/options';
import { MAX_OUTPUT_BYTES } from '../limits';
import { listingOutput, readDirectory, readLink, readOperand } from './diskListing';

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

/** GNU tree over the disk listing (diskListing.ts): the simulated file system took 13 s for 100,000 files. */
export function treeCommand(roots: readonly string[]): CustomCommand {
  return defineCommand('tree', async (args, ctx) => {
    const parsed = parseTreeArgs(args);
    if (typeof parsed === 'string') return { stdout: '', stderr: `tree: ${parsed}\n`, exitCode: 2 };
    const { options, operands } = parsed;
    const counts = { dirs: 0, files: 0 };
    let stdout = '';
    let exitCode = 0;
    for (const operand of operands.length > 0 ? operands : ['.']) {
      const shown = options.classify && !operand.endsWith('/') ? `${operand}/` : operand;
      const found = readOperand(operand, ctx.cwd, roots, true);
      if (found.kind !== 'found' || !found.stats.isDirectory()) {
        stdout += `${operand}  [error opening dir]\n`;
        exitCode = 2;
        if (found.kind === 'found') counts.files++;
        continue;
      }
      counts.dirs++;
      stdout += `${shown}\n`;
      stdout += listDirectory(found.real, operand, '', 1, { options, counts, roots });
    }
    if (!options.noReport) {
      const dirs = `${counts.dirs} ${counts.dirs === 1 ? 'directory' : 'directories'}`;
      const files = `${counts.files} ${counts.files === 1 ? 'file' : 'files'}`;
      stdout += `\n${options.dirsOnly ? dirs : `${dirs}, ${files}`}\n`;
    }
    return listingOutput(stdout, '', exitCode);
  });
}

interface Walk {
  options: TreeOptions;
  counts: { dirs: number; files: number };
  roots: readonly string[];
}

function listDirectory(real: string, shownPath: string, prefix: string, depth: number, walk: Walk): string {
  const { options, counts } = walk;
  if (depth > options.maxDepth) return '';
  const read = readDirectory(real);
  if (read instanceof Error) return '';
  const entries: Entry[] = [];
  for (const { name, kind } of read) {
    if (!options.all && name.startsWith('.')) continue;
    const full = `${real}/${name}`;
    const entry: Entry = kind === 'link' ? { name, full, kind, ...linkOf(full, walk.roots) } : { name, full, kind: kind === 'dir' ? 'dir' : 'file' };
    if (options.dirsOnly && !isDirectory(entry)) continue;
    if (options.exclude?.test(name)) continue;
    if (options.include && !isDirectory(entry) && !options.include.test(name)) continue;
    entries.push(entry);
  }
  if (options.dirsFirst) {
    // A stable sort keeps the byte order within directories (links to one among them) and within files.
    entries.sort((a, b) => Number(!isDirectory(a)) - Number(!isDirectory(b)));
  }
  let out = '';
  for (const [index, entry] of entries.entries()) {
    if (out.length > MAX_OUTPUT_BYTES) break;
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
    if (entry.kind === 'dir') out += listDirectory(entry.full, childShown, prefix + (last ? SPACE : VERTICAL), depth + 1, walk);
  }
  return out;
}

function isDirectory(entry: Entry): boolean {
  return entry.kind === 'dir' || entry.linkToDir === true;
}

/** A link's text, and whether it counts as a directory (only a target inside the workspace is looked at). */
function linkOf(full: string, roots: readonly string[]): { linkTarget: string; linkToDir: boolean } {
  const { target, toDirectory } = readLink(full, roots);
  return { linkTarget: target, linkToDir: toDirectory };
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
