import type { TokenChunk } from '../tokenHistory';

/**
 * The ids llama-server sampled for a reply, as far as its stream carries them, so that the next
 * prompt can send them back and extend the server's prompt cache instead of re-tokenizing text.
 *
 * The stream carries one id per event, except where a token ends inside a UTF-8 character: the
 * server holds it back and sends the completed text with only the last id. Each event says how many
 * tokens were sampled so far, so the first gap is known: the ids and text before it are exact, and
 * the next prompt tokenizes the rest of the reply (the server re-evaluates from there).
 */
export class StreamedIds {
  private readonly ids: number[] = [];
  private text = '';
  private exact: { ids: number[]; text: string } | undefined;

  /** One generated-token event: its ids, its text, and the server's count of tokens sampled so far. */
  add(tokens: readonly number[], content: string, sampledSoFar: number | undefined): void {
    if (!this.exact && sampledSoFar !== undefined && sampledSoFar !== this.ids.length + tokens.length) {
      this.exact = { ids: [...this.ids], text: this.text };
    }
    this.ids.push(...tokens);
    this.text += content;
  }

  /**
   * The reply as a chunk of the token history, given the final event: the end-of-turn token is
   * not part of the reply; tokens held back at the very end never reached the text either.
   */
  chunk(final: { stop_type?: string; tokens_predicted?: number }): TokenChunk | undefined {
    const { ids, text } = this.exact ?? { ids: this.ids, text: this.text };
    if (text === '' || final.tokens_predicted === undefined) return undefined;
    const endOfTurnSent = !this.exact && final.stop_type === 'eos' && final.tokens_predicted === ids.length;
    return { text, special: false, tokens: endOfTurnSent ? ids.slice(0, -1) : ids };
  }
}
