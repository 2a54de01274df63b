import { describe, expect, it } from 'vitest';
import { ConversationHistories } from '../../src/model/server/conversationHistories';
import { flattenTokens } from '../../src/model/tokenHistory';

/** One token per character; special text negative. */
const tokenize = (text: string, special: boolean) => [...text].map((c) => (special ? -c.charCodeAt(0) : c.charCodeAt(0)));
const S = (text: string) => ({ text, special: true });
const P = (text: string) => ({ text, special: false });

/** Sends a prompt as the llama-server back-end does; the reply's ids are 1000+, as a sampler's would differ from re-tokenization. */
function send(histories: ConversationHistories, prompt: ReturnType<typeof P>[], reply: string) {
  const picked = histories.pick(prompt);
  const chunks = [...picked.reused, ...picked.rest.map((part) => ({ ...part, tokens: tokenize(part.text, part.special) }))];
  histories.remember(picked, chunks, { text: reply, special: false, tokens: [...reply].map((_, i) => 1000 + i) });
  return flattenTokens(chunks);
}

describe('ConversationHistories', () => {
  it('sends a conversation\'s sampled ids back after another conversation took turns in between', () => {
    const histories = new ConversationHistories();
    send(histories, [S('<s>'), P('sys\nmain question')], 'ab');
    send(histories, [S('<s>'), P('sys\nsub question')], 'xy');
    const resumed = send(histories, [S('<s>'), P('sys\nmain questionab'), S('<e>')], 'c');
    expect(resumed).toEqual([...tokenize('<s>', true), ...tokenize('sys\nmain question', false), 1000, 1001, ...tokenize('<e>', true)]);
  });

  it('keeps the conversation a new one branched from, and forgets the oldest beyond its limit', () => {
    const histories = new ConversationHistories(2);
    send(histories, [P('sys\none')], 'ab');
    send(histories, [P('sys\ntwo')], 'cd');
    send(histories, [P('sys\nthree')], 'ef');
    expect(send(histories, [P('sys\nthreeef')], '')).toContain(1000);
    expect(send(histories, [P('sys\noneab')], '')).not.toContain(1000);
  });
});
