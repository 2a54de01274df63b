import { lstatSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { confinePath, realInside } from '../paths';
import { Refusal } from './refusal';

/**
 * Expands a glob word against the real file system the way bash does (no dotglob, no
 * globstar, no nullglob): each path segment with a wildcard matches the names of the
 * directory before it, names starting with `.` only when the segment does. The gate checks
 * these matches, the arguments the command will really receive, instead of the pattern's text.
 * Directories outside the workspace roots are refused rather than listed.
 * A pattern ending in `/` matches directories only, with the slash kept, as in bash.
 * Returns [] when nothing matches (bash then passes the word unchanged). Quoted wildcards
 * inside a glob word are treated as wildcards too, which can only match more.
 */
export function expandGlob(pattern: string, cwd: string, roots: readonly string[], limit: number): string[] {
  const absolute = pattern.startsWith('/');
  const segments = pattern.split('/');
  let found: string[] = [absolute ? '/' : ''];
  for (const [index, segment] of segments.entries()) {
    if (segment === '' && (index === 0 || index === segments.length - 1)) continue;
    const last = index === segments.length - 1;
    const next: string[] = [];
    for (const prefix of found) {
      if (!/[*?[]/.test(segment)) {
        next.push(join(prefix, segment));
        continue;
      }
      // Never list a directory outside the workspace, not even to name what was found there.
      const dir = confinePath(prefix === '' ? '.' : prefix, cwd, roots, false);
      for (const name of listDirectory(dir)) {
        if (name.startsWith('.') && !segment.startsWith('.')) continue;
        if (!globMatches(segment, name)) continue;
        next.push(join(prefix, name));
        if (next.length > limit) throw new Refusal(`${pattern} matches more than ${limit} paths; narrow the pattern or use find`);
      }
    }
    found = next;
    if (found.length === 0 || last) break;
  }
  if (segments.every((segment) => !/[*?[]/.test(segment))) return [];
  // A trailing `/` matches directories only, links to one inside the workspace included, and stays.
  if (pattern.endsWith('/')) return found.filter((match) => isDirectoryInside(path.resolve(cwd, match), roots)).map((match) => `${match}/`).sort();
  // Literal segments after the last wildcard must exist, as bash checks the whole path.
  return found.filter((match) => exists(path.resolve(cwd, match))).sort();
}

/** Where a link out of the workspace leads is never looked at: it matches no directory pattern. */
function isDirectoryInside(target: string, roots: readonly string[]): boolean {
  const real = realInside(target, roots);
  try {
    return real !== undefined && statSync(real).isDirectory();
  } catch {
    return false;
  }
}

function join(prefix: string, name: string): string {
  if (prefix === '') return name;
  return prefix.endsWith('/') ? prefix + name : `${prefix}/${name}`;
}

function listDirectory(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function exists(target: string): boolean {
  try {
    lstatSync(target);
    return true;
  } catch {
    return false;
  }
}

/**
 * Matches one name against one segment: `*`, `?`, `[…]` (with `!` or `^` negation and ranges).
 * Iterative with a single backtrack point per star, so the time is linear in name × pattern
 * whatever the pattern (a regex translation could backtrack exponentially).
 */
export function globMatches(pattern: string, name: string): boolean {
  let p = 0;
  let n = 0;
  let starP = -1;
  let starN = 0;
  while (n < name.length) {
    const token = p < pattern.length ? readToken(pattern, p) : undefined;
    if (token?.kind === 'star') {
      starP = p = token.end;
      starN = n;
      continue;
    }
    if (token !== undefined && token.matches(name[n]!)) {
      p = token.end;
      n++;
      continue;
    }
    if (starP === -1) return false;
    p = starP;
    n = ++starN;
  }
  while (p < pattern.length) {
    const token = readToken(pattern, p);
    if (token.kind !== 'star') return false;
    p = token.end;
  }
  return true;
}

type Token = { kind: 'star'; end: number } | { kind: 'char'; end: number; matches: (c: string) => boolean };

function readToken(pattern: string, at: number): Token {
  const c = pattern[at]!;
  if (c === '*') return { kind: 'star', end: at + 1 };
  if (c === '?') return { kind: 'char', end: at + 1, matches: () => true };
  if (c === '[') {
    const set = readBracket(pattern, at);
    if (set) return set;
  }
  return { kind: 'char', end: at + 1, matches: (x) => x === c };
}

/** `[abc]`, `[a-z]`, `[!x]`, `[^x]`; an unclosed `[` is a literal, as in bash. */
function readBracket(pattern: string, at: number): Token | undefined {
  let i = at + 1;
  const negate = pattern[i] === '!' || pattern[i] === '^';
  if (negate) i++;
  const ranges: Array<[string, string]> = [];
  let first = true;
  while (i < pattern.length && (pattern[i] !== ']' || first)) {
    first = false;
    const from = pattern[i]!;
    if (pattern[i + 1] === '-' && i + 2 < pattern.length && pattern[i + 2] !== ']') {
      ranges.push([from, pattern[i + 2]!]);
      i += 3;
    } else {
      ranges.push([from, from]);
      i++;
    }
  }
  if (i >= pattern.length) return undefined;
  return {
    kind: 'char',
    end: i + 1,
    matches: (x) => ranges.some(([lo, hi]) => x >= lo && x <= hi) !== negate,
  };
}
