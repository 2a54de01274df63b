import type { PromptPart } from '../protocol/prompt';

/**
 * Maps prompt text to token ids while keeping the ids the model actually saw.
 *
 * Each turn the agent sends the whole conversation again: the previous prompt, the text the model
 * generated, then the new messages. Re-tokenizing the generated text can give different ids than
 * the ones sampled (BPE has many spellings of a string), which would invalidate the KV cache from
 * that point on. So the history is kept as chunks of (text, specialness, ids): a new prompt
 * reuses the ids of every chunk it still starts with, and only the rest is tokenized. The embedded
 * engine tokenizes in process; a llama-server back-end asks the server (`split`, then tokenize).
 */
export interface TokenChunk {
  text: string;
  special: boolean;
  tokens: readonly number[];
}

export type Tokenize = (text: string, special: boolean) => number[];

/** Merges adjacent parts of the same kind and drops empty ones: tokenization sees runs, not parts. */
function runs(prompt: readonly PromptPart[]): PromptPart[] {
  const out: PromptPart[] = [];
  for (const part of prompt) {
    if (part.text === '') continue;
    const last = out[out.length - 1];
    if (last && last.special === part.special) last.text += part.text;
    else out.push({ text: part.text, special: part.special });
  }
  return out;
}

export class TokenHistory {
  private chunks: TokenChunk[] = [];

  /**
   * The longest run of remembered chunks the prompt starts with, and the rest of the prompt as
   * runs to tokenize (split where a remembered chunk ended).
   */
  split(prompt: readonly PromptPart[]): { reused: TokenChunk[]; rest: PromptPart[] } {
    const pending = runs(prompt);
    const reused: TokenChunk[] = [];
    let run = 0;
    let offset = 0;
    for (const chunk of this.chunks) {
      const current = pending[run];
      if (!current || current.special !== chunk.special || !current.text.startsWith(chunk.text, offset)) break;
      reused.push(chunk);
      offset += chunk.text.length;
      if (offset === current.text.length) {
        run++;
        offset = 0;
      }
    }
    const rest: PromptPart[] = [];
    for (; run < pending.length; run++, offset = 0) {
      const { text, special } = pending[run]!;
      rest.push({ text: text.slice(offset), special });
    }
    return { reused, rest };
  }

  /** The chunks for a new prompt: the remembered ones it starts with, then the rest tokenized. */
  chunksFor(prompt: readonly PromptPart[], tokenize: Tokenize): TokenChunk[] {
    const { reused, rest } = this.split(prompt);
    return [...reused, ...rest.map((part) => ({ ...part, tokens: tokenize(part.text, part.special) }))];
  }

  /** Whether a prompt that reused these chunks (from `split`) keeps all of this history. */
  continuedBy(reused: readonly TokenChunk[]): boolean {
    return reused.length === this.chunks.length;
  }

  /** Remembers what the engine now holds: the prompt's chunks and the generated ids and text. */
  remember(promptChunks: readonly TokenChunk[], generated: TokenChunk | undefined): void {
    this.chunks = generated && generated.text !== '' ? [...promptChunks, generated] : [...promptChunks];
  }

  clear(): void {
    this.chunks = [];
  }

  /** A copy that later `remember` calls on this history do not change. */
  snapshot(): TokenHistory {
    const copy = new TokenHistory();
    copy.chunks = this.chunks;
    return copy;
  }
}

export function flattenTokens(chunks: readonly TokenChunk[]): number[] {
  return chunks.flatMap((chunk) => chunk.tokens);
}

export function commonPrefixLength(a: readonly number[], b: readonly number[]): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a[i] === b[i]) i++;
  return i;
}
