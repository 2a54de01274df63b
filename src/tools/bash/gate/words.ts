import type { ScriptNode, WordNode } from 'just-bash';
import { Refusal } from './refusal';

/** One argument after bash's quote removal and brace expansion, as the command will receive it. */
export interface ExpandedWord {
  value: string;
  /** Contains an unquoted glob character (`*`, `?`, `[`) that the shell will expand. */
  glob: boolean;
  /** The glob starts the word, so its matches (possibly names beginning with `-`) start the argument. */
  leadingGlob: boolean;
  /** Holds the output of a command substitution, known only when the line runs; `value` has
   * {@link SUBSTITUTED} in its place. The commands that receive it check it again then. */
  substituted?: boolean;
}

/**
 * What a word may draw on besides its own text. Without a scope, `$PWD` and `$(…)` are refused
 * (command names, redirection targets).
 */
export interface WordScope {
  /** The directory the command runs in, the value of `$PWD`. */
  pwd?: string;
  /** Checks the script of a `$(…)` or backtick substitution by the same policy as the line. */
  substitute?: (body: ScriptNode) => void;
}

/**
 * Stands for the output of a command substitution while the gate judges the words: a path
 * inside the workspace, so that only the text around it can send the argument elsewhere.
 */
export const SUBSTITUTED = '.';

type Part = WordNode['parts'][number];

interface BraceItem {
  type: 'Word' | 'Range';
  word?: WordNode;
  start?: number | string;
  end?: number | string;
  step?: number;
  startStr?: string;
  endStr?: string;
}

/** Brace expansion can multiply words; far more than a reading command needs is refused. */
const MAX_EXPANSIONS = 256;

/**
 * Evaluates a word the way bash would before the command sees it (quotes, escapes, braces),
 * refusing every expansion that reads state or runs code ($VAR, $(…), `…`, $((…)), <(…), ~).
 * The gate checks what the command really receives, so `-de\lete` and `{-delete,-print}` are
 * seen as `-delete`.
 */
export function expandWord(word: WordNode, scope: WordScope = {}): ExpandedWord[] {
  let results: ExpandedWord[] = [{ value: '', glob: false, leadingGlob: false }];
  for (const part of word.parts) {
    const alternatives = expandPart(part, false, scope);
    const next: ExpandedWord[] = [];
    for (const prefix of results) {
      for (const alt of alternatives) {
        next.push({
          value: prefix.value + alt.value,
          glob: prefix.glob || alt.glob,
          leadingGlob: prefix.value === '' && !prefix.glob ? alt.leadingGlob : prefix.leadingGlob,
          ...(prefix.substituted || alt.substituted ? { substituted: true } : {}),
        });
      }
    }
    if (next.length > MAX_EXPANSIONS) throw new Refusal(`brace expansion produces more than ${MAX_EXPANSIONS} words`);
    results = next;
  }
  for (const result of results) {
    if (/[\x00-\x08\x0b-\x1f\x7f]/.test(result.value)) throw new Refusal('control characters are not allowed in arguments');
  }
  return results;
}

function expandPart(part: Part, quoted: boolean, scope: WordScope): ExpandedWord[] {
  const plain = (value: string): ExpandedWord[] => [{ value, glob: false, leadingGlob: false }];
  switch (part.type) {
    case 'Literal':
    case 'SingleQuoted':
    case 'Escaped':
      return plain(part.value);
    case 'DoubleQuoted': {
      let value = '';
      let substituted = false;
      for (const inner of part.parts) {
        const expanded = expandPart(inner, true, scope);
        if (expanded.length !== 1) throw new Refusal('unexpected expansion inside double quotes');
        value += expanded[0]!.value;
        substituted ||= expanded[0]!.substituted === true;
      }
      return [{ value, glob: false, leadingGlob: false, ...(substituted ? { substituted } : {}) }];
    }
    case 'Glob':
      if (quoted) return plain(part.pattern);
      return [{ value: part.pattern, glob: true, leadingGlob: true }];
    case 'BraceExpansion':
      return expandBraces(part.items as BraceItem[], scope);
    case 'TildeExpansion':
      throw new Refusal('`~` (the home directory) is not allowed; use paths inside the workspace');
    case 'ParameterExpansion':
      // $PWD is the one variable whose value the gate knows: the directory it checks the command in.
      if (part.parameter === 'PWD' && part.operation === null && scope.pwd !== undefined) return plain(scope.pwd);
      throw new Refusal(`variables such as $${part.parameter || '{…}'} are not available (only $PWD is); write the value itself`);
    case 'CommandSubstitution':
      if (scope.substitute === undefined) throw new Refusal('command substitution is not allowed in this position; write the value itself');
      scope.substitute(part.body);
      return [{ value: SUBSTITUTED, glob: false, leadingGlob: false, substituted: true }];
    case 'ArithmeticExpansion':
      throw new Refusal('arithmetic expansion $((…)) is not available; compute the number yourself');
    case 'ProcessSubstitution':
      throw new Refusal('process substitution <(…) is not available; run the commands separately');
    default:
      throw new Refusal('this shell syntax is not supported here; write plain words, quotes and globs');
  }
}

function expandBraces(items: BraceItem[], scope: WordScope): ExpandedWord[] {
  const out: ExpandedWord[] = [];
  for (const item of items) {
    if (item.type === 'Word' && item.word) {
      out.push(...expandWord(item.word, scope));
    } else if (item.type === 'Range') {
      out.push(...expandRange(item));
    } else {
      throw new Refusal('unsupported brace expansion');
    }
    if (out.length > MAX_EXPANSIONS) throw new Refusal(`brace expansion produces more than ${MAX_EXPANSIONS} words`);
  }
  return out;
}

function expandRange(item: BraceItem): ExpandedWord[] {
  const plain = (value: string): ExpandedWord => ({ value, glob: false, leadingGlob: false });
  const start = item.start;
  const end = item.end;
  const step = Math.abs(item.step || 1);
  if (typeof start === 'number' && typeof end === 'number') {
    const count = Math.floor(Math.abs(end - start) / step) + 1;
    if (count > MAX_EXPANSIONS) throw new Refusal(`brace expansion produces more than ${MAX_EXPANSIONS} words`);
    const width = [item.startStr, item.endStr].some((s) => s !== undefined && /^-?0\d/.test(s))
      ? Math.max(item.startStr?.length ?? 0, item.endStr?.length ?? 0)
      : 0;
    const direction = end >= start ? 1 : -1;
    return Array.from({ length: count }, (_, i) => {
      const n = start + direction * i * step;
      const digits = String(Math.abs(n)).padStart(width - (n < 0 ? 1 : 0), '0');
      return plain((n < 0 ? '-' : '') + digits);
    });
  }
  if (typeof start === 'string' && typeof end === 'string' && start.length === 1 && end.length === 1) {
    const from = start.charCodeAt(0);
    const to = end.charCodeAt(0);
    const direction = to >= from ? 1 : -1;
    const out: ExpandedWord[] = [];
    for (let c = from; direction > 0 ? c <= to : c >= to; c += direction * step) out.push(plain(String.fromCharCode(c)));
    return out;
  }
  throw new Refusal('unsupported brace range');
}
