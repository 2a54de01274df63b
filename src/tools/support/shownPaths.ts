import { hostPathRules, type PathRules } from './pathRules';

/**
 * A path a real program was given as the host read it (`passed`, real and absolute), and the text
 * the model wrote for it (`shown`). The program prints `passed`; the model must read `shown`, as
 * the program would have printed it had it been given the text.
 */
export interface ShownPath {
  passed: string;
  shown: string;
  /** A folder's results print as `passed/…`; a file's as `passed:…`, `passed-…` or `passed` alone. */
  directory: boolean;
}

/**
 * Puts the model's text back where a program prints a path it was given: at the start of a line,
 * after a NUL (`--null` ends each path with one) and in ripgrep's JSON (`"path":{"text":…}`).
 * The longest passed path that matches wins, so that a file given inside a folder given keeps
 * its own text. `separator` is ripgrep's --path-separator, which it applies to every path it prints.
 */
export function pathRewriter(shownAs: readonly ShownPath[], separator?: string, rules: PathRules = hostPathRules): (line: string) => string {
  const sep = rules.path.sep;
  const printed = (text: string, sep: string) => (separator === undefined ? text : text.split(sep).join(separator));
  // ripgrep joins a folder's entries with a separator unless the folder was given with one at its end.
  const joinsItself = (pair: ShownPath) => pair.directory && /[\\/]$/.test(pair.shown);
  const pairs = shownAs
    .map((pair) => (joinsItself(pair) ? { ...pair, passed: pair.passed + sep } : pair))
    .filter((pair) => pair.passed !== pair.shown)
    .map((pair) => ({ ...pair, passed: printed(pair.passed, sep), shown: printed(pair.shown, '/') }))
    .sort((a, b) => b.passed.length - a.passed.length);
  if (pairs.length === 0) return (line) => line;
  const folderEnd = separator ?? sep;

  const atStart = (text: string): string => {
    for (const pair of pairs) {
      if (!text.startsWith(pair.passed)) continue;
      const next = text.charAt(pair.passed.length);
      const ends = joinsItself(pair) || (pair.directory ? next === folderEnd || next === '/' || next === ':' || next === '' : next === ':' || next === '-' || next === '');
      if (ends) return pair.shown + text.slice(pair.passed.length);
    }
    return text;
  };
  const inJson = (line: string): string => {
    let rewritten = line;
    for (const pair of pairs) {
      const passed = `"path":{"text":${JSON.stringify(pair.passed).slice(0, -1)}`;
      const shown = `"path":{"text":${JSON.stringify(pair.shown).slice(0, -1)}`;
      rewritten = rewritten.replace(new RegExp(`${escapeRegExp(passed)}(?=["${escapeRegExp(folderEnd)}/])`, 'g'), () => shown);
    }
    return rewritten;
  };
  return (line) => {
    if (line.startsWith('{"type":')) return inJson(line);
    return line.split('\0').map(atStart).join('\0');
  };
}

/** ripgrep's messages name a path after `rg: `; the model must read its own text there too. */
export function messageRewriter(rewrite: (line: string) => string): (message: string) => string {
  return (message) =>
    message
      .split('\n')
      .map((line) => (line.startsWith('rg: ') ? `rg: ${rewrite(line.slice(4))}` : line))
      .join('\n');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
