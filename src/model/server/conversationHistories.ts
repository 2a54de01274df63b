import type { PromptPart } from '../../protocol/prompt';
import { TokenHistory, type TokenChunk } from '../tokenHistory';

/** A prompt matched against the history it reuses most of. */
export interface PickedHistory {
  history: TokenHistory;
  reused: TokenChunk[];
  rest: PromptPart[];
}

/**
 * The token histories of the last few conversations sent to the server, the latest first. The agent
 * interleaves conversations (a sub-agent's turns come between two of the main conversation's): each
 * keeps the ids its replies were sampled as, so that the main conversation, when it resumes, still
 * sends exactly the ids the server cached (in the slot, or in llama-server's host-memory prompt cache).
 */
export class ConversationHistories {
  private histories: TokenHistory[] = [];

  constructor(private readonly max = 4) {}

  pick(prompt: readonly PromptPart[]): PickedHistory {
    let best: (PickedHistory & { reusedChars: number }) | undefined;
    for (const history of this.histories) {
      const { reused, rest } = history.split(prompt);
      const reusedChars = reused.reduce((sum, chunk) => sum + chunk.text.length, 0);
      if (!best || reusedChars > best.reusedChars) best = { history, reused, rest, reusedChars };
    }
    if (best) return best;
    const history = new TokenHistory();
    return { history, ...history.split(prompt) };
  }

  /**
   * Remembers what the server holds after a request: in the picked history when the prompt
   * continued all of it, else as a conversation of its own (a new question or a sub-agent that
   * shares only the system prompt must not overwrite the conversation it branched from).
   */
  remember(picked: PickedHistory, chunks: readonly TokenChunk[], reply: TokenChunk | undefined): void {
    const target = picked.history.continuedBy(picked.reused) ? picked.history : new TokenHistory();
    target.remember(chunks, reply);
    this.histories = [target, ...this.histories.filter((history) => history !== target)].slice(0, this.max);
  }

  clear(): void {
    this.histories = [];
  }
}
