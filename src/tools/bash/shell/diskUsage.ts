import { lstatSync, type Stats } from 'node:fs';
import { defineCommand, type CustomCommand, type ExecResult } from 'just-bash';
import { COMMAND_OPTIONS } from '../gate/commandOptions';
import { parseOptions, type ParsedOptions } from '../gate/options';
import { MAX_OUTPUT_BYTES } from '../limits';
import { childPath, errnoText, listingOutput, readDirectory, readOperand } from './diskListing';
import type { Simulate } from './simulated';

/**
 * GNU du from the disk itself: the blocks each file really takes (the simulated du adds up
 * apparent sizes, 9.1K where GNU says 132K), hard links and repeated operands counted once, GNU's
 * units (`4.0K`, `20K`, `395M`), and one readdir and lstat per entry, so a tree of 100,000 files
 * takes a fraction of a second. Links are never followed; options it does not hold (-L, -D,
 * --exclude, -t, --time, --block-size) go to the simulated du.
 */
export function diskUsageCommand(simulate: Simulate, roots: readonly string[]): CustomCommand {
  return defineCommand('du', async (args, ctx) => {
    const plan = readPlan(parseOptions('du', args, COMMAND_OPTIONS.du));
    return plan === undefined ? simulate('du', args, ctx) : diskUsage(plan, ctx.cwd, roots);
  });
}

interface Plan {
  operands: string[];
  all: boolean;
  maxDepth: number;
  total: boolean;
  apparent: boolean;
  /** Bytes per unit printed; 0 for GNU's human-readable sizes in powers of `humanBase`. */
  blockSize: number;
  humanBase: 1000 | 1024;
  countLinks: boolean;
  oneFileSystem: boolean;
  terminator: string;
}

const HANDLED = new Set([
  '-s', '--summarize', '-a', '--all', '-h', '--human-readable', '--si', '-c', '--total', '-b', '--bytes', '-k', '-m',
  '--apparent-size', '-d', '--max-depth', '-l', '--count-links', '-x', '--one-file-system', '-0',
]);

function readPlan(parsed: ParsedOptions): Plan | undefined {
  if (parsed.options.some((option) => !HANDLED.has(option.name))) return undefined;
  const plan: Plan = {
    operands: parsed.operands.length === 0 ? ['.'] : parsed.operands,
    all: false,
    maxDepth: Infinity,
    total: false,
    apparent: false,
    blockSize: 1024,
    humanBase: 1024,
    countLinks: false,
    oneFileSystem: false,
    terminator: '\n',
  };
  let summarize = false;
  // Later options win, as in GNU du: `-h -k` prints kibibytes.
  for (const { name, value } of parsed.options) {
    if (name === '-s' || name === '--summarize') summarize = true;
    else if (name === '-a' || name === '--all') plan.all = true;
    else if (name === '-c' || name === '--total') plan.total = true;
    else if (name === '--apparent-size') plan.apparent = true;
    else if (name === '-l' || name === '--count-links') plan.countLinks = true;
    else if (name === '-x' || name === '--one-file-system') plan.oneFileSystem = true;
    else if (name === '-0') plan.terminator = '\0';
    else if (name === '-h' || name === '--human-readable') [plan.blockSize, plan.humanBase] = [0, 1024];
    else if (name === '--si') [plan.blockSize, plan.humanBase] = [0, 1000];
    else if (name === '-k') plan.blockSize = 1024;
    else if (name === '-m') plan.blockSize = 1024 * 1024;
    else if (name === '-b' || name === '--bytes') [plan.apparent, plan.blockSize] = [true, 1];
    else if (name === '-d' || name === '--max-depth') {
      if (!/^\d+$/.test(value ?? '')) return undefined;
      plan.maxDepth = Number(value);
    }
  }
  if (summarize && plan.all) return undefined;
  if (summarize) {
    // GNU refuses -s with a depth other than 0; the simulated du says so in its words.
    if (plan.maxDepth !== Infinity && plan.maxDepth !== 0) return undefined;
    plan.maxDepth = 0;
  }
  return plan;
}

function diskUsage(plan: Plan, cwd: string, roots: readonly string[]): ExecResult {
  // With several operands GNU remembers every directory and file, so one reached twice counts once.
  const hashAll = plan.operands.length > 1;
  const seen = new Set<string>();
  let stdout = '';
  let stderr = '';
  let grandTotal = 0;

  const print = (bytes: number, shown: string) => {
    if (stdout.length < MAX_OUTPUT_BYTES) stdout += `${formatSize(bytes, plan)}\t${shown}${plan.terminator}`;
  };
  /** Bytes under one entry, its own included; undefined for one already counted. */
  const measure = (real: string, shown: string, stats: Stats, depth: number, device: number): number | undefined => {
    if (!plan.countLinks && (hashAll || (!stats.isDirectory() && stats.nlink > 1))) {
      const key = `${stats.dev}:${stats.ino}`;
      if (seen.has(key)) return undefined;
      seen.add(key);
    }
    let bytes = plan.apparent ? stats.size : stats.blocks * 512;
    if (stats.isDirectory() && (!plan.oneFileSystem || stats.dev === device)) {
      const entries = readDirectory(real);
      if (entries instanceof Error) stderr += `du: cannot read directory '${shown}': ${errnoText(entries)}\n`;
      else {
        for (const entry of entries) {
          const child = `${real}/${entry.name}`;
          let childStats: Stats;
          try {
            childStats = lstatSync(child);
          } catch (error) {
            stderr += `du: cannot access '${childPath(shown, entry.name)}': ${errnoText(error as NodeJS.ErrnoException)}\n`;
            continue;
          }
          if (plan.oneFileSystem && childStats.dev !== device) continue;
          bytes += measure(child, childPath(shown, entry.name), childStats, depth + 1, device) ?? 0;
        }
      }
    }
    if (depth === 0 || (depth <= plan.maxDepth && (stats.isDirectory() || plan.all))) print(bytes, shown);
    return bytes;
  };

  for (const operand of plan.operands) {
    const found = readOperand(operand, cwd, roots, false);
    if (found.kind === 'error') {
      stderr += `du: cannot access '${operand}': ${found.message}\n`;
      continue;
    }
    grandTotal += measure(found.real, operand, found.stats, 0, found.stats.dev) ?? 0;
  }
  if (plan.total) print(grandTotal, 'total');
  return listingOutput(stdout, stderr, stderr === '' ? 0 : 1);
}

const SUFFIXES = 'KMGTPEZY';

/**
 * A size as GNU du prints it: whole units rounded up; with -h or --si the largest power of the
 * base that keeps the number under it, one decimal (rounded up) below 10, as coreutils' human.c
 * does with its ceiling rounding.
 */
export function formatSize(bytes: number, plan: Pick<Plan, 'blockSize' | 'humanBase'>): string {
  if (plan.blockSize !== 0) return String(Math.ceil(bytes / plan.blockSize));
  const base = plan.humanBase;
  if (bytes < base) return String(bytes);
  let exponent = 0;
  let power = 1;
  while (bytes >= power * base && exponent < SUFFIXES.length) {
    power *= base;
    exponent++;
  }
  const suffix = (at: number) => (base === 1000 && at === 1 ? 'k' : SUFFIXES[at - 1]!);
  if (bytes < power * 10) {
    const tenths = Math.ceil((bytes * 10) / power);
    return tenths >= 100 ? `10${suffix(exponent)}` : `${Math.floor(tenths / 10)}.${tenths % 10}${suffix(exponent)}`;
  }
  const units = Math.ceil(bytes / power);
  if (units >= base && exponent < SUFFIXES.length) return `1.0${suffix(exponent + 1)}`;
  return `${units}${suffix(exponent)}`;
}
