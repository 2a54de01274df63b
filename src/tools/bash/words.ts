import type { WordNode } from 'just-bash';
import { Refusal } from './refusal';

/** One argument after bash's quote removal and brace expansion, as the command will receive it. */
export interface ExpandedWord {
  value: string;
  /** Contains an unquoted glob character (`*`, `?`, `[`) that the shell will expand. */
  glob: boolean;
  /** The glob starts the word, so its matches (possibly names beginning with `-`) start the argument. */
  leadingGlob: boolean;
}

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
export function expandWord(word: WordNode): ExpandedWord[] {
  let results: ExpandedWord[] = [{ value: '', glob: false, leadingGlob: false }];
  for (const part of word.parts) {
    const alternatives = expandPart(part, false);
    const next: ExpandedWord[] = [];
    for (const prefix of results) {
      for (const alt of alternatives) {
        next.push({
          value: prefix.value + alt.value,
          glob: prefix.glob || alt.glob,
          leadingGlob: prefix.value === '' && !prefix.glob ? alt.leadingGlob : prefix.leadingGlob,
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

function expandPart(part: Part, quoted: boolean): ExpandedWord[] {
  const plain = (value: string): ExpandedWord[] => [{ value, glob: false, leadingGlob: false }];
  switch (part.type) {
    case 'Literal':
    case 'SingleQuoted':
    case 'Escaped':
      return plain(part.value);
    case 'DoubleQuoted': {
      let value = '';
      for (const inner of part.parts) {
        const expanded = expandPart(inner, true);
        if (expanded.length !== 1) throw new Refusal('unexpected expansion inside double quotes');
        value += expanded[0]!.value;
      }
      return plain(value);
    }
    case 'Glob':
      if (quoted) return plain(part.pattern);
      return [{ value: part.pattern, glob: true, leadingGlob: true }];
    case 'BraceExpansion':
      return expandBraces(part.items as BraceItem[]);
    case 'TildeExpansion':
      throw new Refusal('`~` (home directory) is not allowed; use paths inside the workspace');
    case 'ParameterExpansion':
      throw new Refusal(`variables ($${part.parameter || '{…}'}) are not allowed; write the value literally`);
    case 'CommandSubstitution':
      throw new Refusal('command substitution ($(…) or `…`) is not allowed; run the inner command on its own');
    case 'ArithmeticExpansion':
      throw new Refusal('arithmetic expansion $((…)) is not allowed');
    case 'ProcessSubstitution':
      throw new Refusal('process substitution <(…) is not allowed; run the commands separately');
    default:
      throw new Refusal(`unsupported shell syntax (${(part as { type: string }).type})`);
  }
}

function expandBraces(items: BraceItem[]): ExpandedWord[] {
  const out: ExpandedWord[] = [];
  for (const item of items) {
    if (item.type === 'Word' && item.word) {
      out.push(...expandWord(item.word));
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
