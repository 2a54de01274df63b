import { lstatSync } from 'node:fs';
import type { ExecResult } from 'just-bash';
import { hasOption, type ParsedOptions } from '../gate/options';
import { MAX_OUTPUT_BYTES } from '../limits';
import { childPath, compareNames, errnoText, listingOutput, readDirectory, readOperand, type DiskEntry } from './diskListing';

const SELF_AND_PARENT: readonly DiskEntry[] = [
  { name: '.', kind: 'dir' },
  { name: '..', kind: 'dir' },
];

/** The ls options this listing holds; with any other, the simulated ls answers. */
const HANDLED = new Set(['-R', '--recursive', '-a', '--all', '-A', '--almost-all', '-1', '-F', '--classify', '-p']);

/**
 * `ls -R` as GNU prints it to a pipe (one name a line, each directory under a `dir:` header, a
 * blank line between them), from the disk listing: the simulated ls took 15 s on 100,000 files.
 * Links to directories are listed, not entered. Undefined for options or operands it does not
 * hold (several operands, a file, a long listing), which the simulated ls answers.
 */
export function listRecursive(parsed: ParsedOptions, cwd: string, roots: readonly string[]): ExecResult | undefined {
  if (!hasOption(parsed, '-R', '--recursive') || parsed.operands.length > 1) return undefined;
  if (parsed.options.some((option) => !HANDLED.has(option.name))) return undefined;
  const operand = parsed.operands[0] ?? '.';
  const found = readOperand(operand, cwd, roots, true);
  if (found.kind !== 'found' || !found.stats.isDirectory()) return undefined;

  const all = hasOption(parsed, '-a', '--all');
  const almostAll = hasOption(parsed, '-A', '--almost-all');
  const classify = hasOption(parsed, '-F', '--classify');
  const slash = classify || hasOption(parsed, '-p');
  const blocks: string[] = [];
  let size = 0;
  let stderr = '';

  const list = (real: string, shown: string): void => {
    if (size > MAX_OUTPUT_BYTES) return;
    const read = readDirectory(real);
    if (read instanceof Error) {
      stderr += `ls: cannot open directory '${shown}': ${errnoText(read)}\n`;
      return;
    }
    const entries = read.filter(({ name }) => all || almostAll || !name.startsWith('.'));
    // -a lists the directory and its parent too, sorted among the other names.
    const shownEntries = all ? [...entries, ...SELF_AND_PARENT].sort((a, b) => compareNames(a.name, b.name)) : entries;
    const lines = shownEntries.map((entry) => `${entry.name}${indicator(entry, `${real}/${entry.name}`, classify, slash)}\n`);
    const block = `${shown}:\n${lines.join('')}`;
    blocks.push(block);
    size += block.length;
    for (const entry of entries) if (entry.kind === 'dir') list(`${real}/${entry.name}`, childPath(shown, entry.name));
  };
  list(found.real, operand);
  if (size > MAX_OUTPUT_BYTES) stderr += `ls: stopped after ${MAX_OUTPUT_BYTES / 1024 / 1024} MB of output\n`;
  return listingOutput(blocks.join('\n'), stderr, stderr === '' ? 0 : 1);
}

/** What -F (`/ @ | = *`) or -p (`/` only) puts after a name. */
function indicator(entry: DiskEntry, real: string, classify: boolean, slash: boolean): string {
  if (entry.kind === 'dir') return slash ? '/' : '';
  if (!classify) return '';
  switch (entry.kind) {
    case 'link':
      return '@';
    case 'fifo':
      return '|';
    case 'socket':
      return '=';
    case 'file':
      return isExecutable(real) ? '*' : '';
    default:
      return '';
  }
}

function isExecutable(real: string): boolean {
  try {
    return (lstatSync(real).mode & 0o111) !== 0;
  } catch {
    return false;
  }
}
