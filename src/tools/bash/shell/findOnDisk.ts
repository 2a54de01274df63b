import { lstatSync } from 'node:fs';
import type { ExecResult } from 'just-bash';
import { globMatches } from '../gate/globs';
import { MAX_OUTPUT_BYTES } from '../limits';
import { childPath, errnoText, kindOf, listingOutput, readDirectory, readOperand, type DiskEntry, type EntryKind } from './diskListing';

/**
 * GNU find over the disk listing (diskListing.ts), for the expressions whose meaning it holds
 * whole: names, paths, types, depths, -empty, -prune, the logical operators, -print and -print0.
 * Anything else (-exec, -newer, -size, -depth…) answers undefined and the simulated find runs the
 * line. Paths come out in a depth-first walk with each directory's entries in byte order, the
 * order the simulated find uses too.
 */
export function findOnDisk(args: readonly string[], cwd: string, roots: readonly string[]): ExecResult | undefined {
  const start = args.findIndex((arg) => arg.startsWith('-') || arg === '!' || arg === '(');
  const operands = start === -1 ? [...args] : args.slice(0, start);
  const parsed = parseExpression(start === -1 ? [] : args.slice(start));
  if (parsed === undefined) return undefined;
  const { expression, maxDepth, minDepth } = parsed;
  const out: string[] = [];
  let size = 0;
  let stderr = '';
  let full = false;
  const print = (text: string) => {
    out.push(text);
    size += text.length;
    full = size > MAX_OUTPUT_BYTES;
  };

  const visit = (shown: string, name: string, real: string, kind: EntryKind, depth: number): void => {
    if (full) return;
    const file: Visited = { shown, name, real, kind, pruned: false, entries: undefined };
    if (depth >= minDepth) evaluate(expression, file, print);
    if (kind !== 'dir' || file.pruned || depth >= maxDepth) return;
    const entries = file.entries ?? readDirectory(real);
    if (entries instanceof Error) {
      stderr += `find: '${shown}': ${errnoText(entries)}\n`;
      return;
    }
    for (const entry of entries) visit(childPath(shown, entry.name), entry.name, `${real}/${entry.name}`, entry.kind, depth + 1);
  };

  for (const operand of operands.length === 0 ? ['.'] : operands) {
    const found = readOperand(operand, cwd, roots, false);
    if (found.kind === 'error') {
      stderr += `find: '${operand}': ${found.message}\n`;
      continue;
    }
    visit(operand, startName(operand), found.real, kindOf(found.stats), 0);
  }
  if (full) stderr += `find: stopped after ${MAX_OUTPUT_BYTES / 1024 / 1024} MB of output\n`;
  return listingOutput(out.join(''), stderr, stderr === '' ? 0 : 1);
}

/** The name -name sees for a starting point: its last component, trailing slashes aside (`src/` is `src`, `/` is `/`). */
function startName(operand: string): string {
  const trimmed = operand.replace(/\/+$/, '');
  if (trimmed === '') return '/';
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
}

interface Visited {
  shown: string;
  name: string;
  real: string;
  kind: EntryKind;
  pruned: boolean;
  /** Read once for -empty, then reused by the walk. */
  entries: DiskEntry[] | NodeJS.ErrnoException | undefined;
}

type Expression =
  | { op: 'and' | 'or'; left: Expression; right: Expression }
  | { op: 'not'; operand: Expression }
  | { op: 'test'; test: (file: Visited) => boolean }
  | { op: 'prune' }
  | { op: 'print'; terminator: string };

function evaluate(expression: Expression, file: Visited, print: (text: string) => void): boolean {
  switch (expression.op) {
    case 'and':
      return evaluate(expression.left, file, print) && evaluate(expression.right, file, print);
    case 'or':
      return evaluate(expression.left, file, print) || evaluate(expression.right, file, print);
    case 'not':
      return !evaluate(expression.operand, file, print);
    case 'test':
      return expression.test(file);
    case 'prune':
      file.pruned = true;
      return true;
    case 'print':
      print(`${file.shown}${expression.terminator}`);
      return true;
  }
}

const TYPE_LETTERS: Readonly<Record<string, EntryKind>> = { f: 'file', d: 'dir', l: 'link', p: 'fifo', s: 'socket', b: 'block', c: 'char' };

/**
 * The expression as GNU find reads it: `!` binds tightest, then `-a` (or two primaries side by
 * side), then `-o`; without -print or -print0 the whole is printed where it holds. Undefined for
 * anything this walk does not answer exactly.
 */
function parseExpression(words: readonly string[]): { expression: Expression; maxDepth: number; minDepth: number } | undefined {
  let at = 0;
  let maxDepth = Infinity;
  let minDepth = 0;
  let prints = false;
  const TRUE: Expression = { op: 'test', test: () => true };

  const primary = (): Expression | undefined => {
    const word = words[at++];
    if (word === undefined) return undefined;
    const value = (): string | undefined => words[at++];
    switch (word) {
      case '(': {
        const inner = or();
        if (inner === undefined || words[at++] !== ')') return undefined;
        return inner;
      }
      case '!':
      case '-not': {
        const operand = primary();
        return operand && { op: 'not', operand };
      }
      case '-name':
      case '-iname': {
        const pattern = value();
        if (pattern === undefined || !plainPattern(pattern)) return undefined;
        const fold = word === '-iname';
        return { op: 'test', test: (file) => matches(pattern, file.name, fold) };
      }
      case '-path':
      case '-ipath':
      case '-wholename':
      case '-iwholename': {
        const pattern = value();
        if (pattern === undefined || !plainPattern(pattern)) return undefined;
        const fold = word.startsWith('-i');
        return { op: 'test', test: (file) => matches(pattern, file.shown, fold) };
      }
      case '-type': {
        const letters = value()?.split(',');
        if (letters === undefined || letters.some((letter) => !Object.hasOwn(TYPE_LETTERS, letter))) return undefined;
        const kinds = new Set(letters.map((letter) => TYPE_LETTERS[letter]));
        return { op: 'test', test: (file) => kinds.has(file.kind) };
      }
      case '-maxdepth':
      case '-mindepth': {
        const text = value();
        if (text === undefined || !/^\d+$/.test(text)) return undefined;
        if (word === '-maxdepth') maxDepth = Number(text);
        else minDepth = Number(text);
        return TRUE;
      }
      case '-empty':
        return { op: 'test', test: isEmpty };
      case '-true':
        return TRUE;
      case '-false':
        return { op: 'test', test: () => false };
      case '-prune':
        return { op: 'prune' };
      case '-print':
      case '-print0':
        prints = true;
        return { op: 'print', terminator: word === '-print' ? '\n' : '\0' };
      default:
        return undefined;
    }
  };
  const and = (): Expression | undefined => {
    let left = primary();
    while (left !== undefined && at < words.length && words[at] !== ')' && words[at] !== '-o' && words[at] !== '-or') {
      if (words[at] === '-a' || words[at] === '-and') at++;
      const right = primary();
      left = right && { op: 'and', left, right };
    }
    return left;
  };
  const or = (): Expression | undefined => {
    let left = and();
    while (left !== undefined && (words[at] === '-o' || words[at] === '-or')) {
      at++;
      const right = and();
      left = right && { op: 'or', left, right };
    }
    return left;
  };

  const expression = words.length === 0 ? TRUE : or();
  if (expression === undefined || at !== words.length) return undefined;
  return { expression: prints ? expression : { op: 'and', left: expression, right: { op: 'print', terminator: '\n' } }, maxDepth, minDepth };
}

/** A pattern globMatches reads as fnmatch does: no escapes and no character classes like `[[:digit:]]`. */
function plainPattern(pattern: string): boolean {
  return !pattern.includes('\\') && !pattern.includes('[:');
}

/** fnmatch without flags, as find's -name and -path use it: `*` matches `/` and a leading dot too. */
function matches(pattern: string, text: string, fold: boolean): boolean {
  return fold ? globMatches(pattern.toLowerCase(), text.toLowerCase()) : globMatches(pattern, text);
}

/** -empty: a regular file of no bytes, or a directory with no entries. */
function isEmpty(file: Visited): boolean {
  if (file.kind === 'dir') {
    file.entries ??= readDirectory(file.real);
    return !(file.entries instanceof Error) && file.entries.length === 0;
  }
  if (file.kind !== 'file') return false;
  try {
    return lstatSync(file.real).size === 0;
  } catch {
    return false;
  }
}
