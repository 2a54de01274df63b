import type { ConversationMessage } from '../protocol/conversation';

/**
 * The loop keeps the conversation inside the model's window itself, deterministically, so the
 * engine can reuse its KV cache up to the first changed token.
 *
 * Token counts are estimated from characters: the loop runs before (and apart from) the engine's
 * tokenizer. Three characters per token is on the safe side for code and English prose.
 */
const CHARS_PER_TOKEN = 3;

export const COMPACTED_TOOL_OUTPUT = '[Earlier tool output removed to fit the context window. Call the tool again if you still need it.]';

function estimateTokens(text: string): number {
  return Math.ceil(text.length / CHARS_PER_TOKEN);
}

/** Per-message overhead of the ChatML markers and role line. */
const MESSAGE_OVERHEAD_TOKENS = 5;

function estimateConversationTokens(messages: readonly ConversationMessage[]): number {
  return messages.reduce((sum, message) => sum + estimateTokens(message.content) + estimateTokens(message.reminder ?? '') + MESSAGE_OVERHEAD_TOKENS, 0);
}

/**
 * Caps one tool output to a token budget, saying so to the model: the one generic "too long for
 * the model" cap, applied by the loop to every result, because only the loop knows the window.
 * Tools keep only the limits of their trained contract (Read's 2000-line window, Grep's and
 * Glob's result counts, Bash's 30000 characters), whose notes the model learned, and bounds on
 * what they collect in memory; neither defineTool nor a tool caps for the window.
 */
export function capToolOutput(output: string, maxTokens: number): { output: string; truncated: boolean } {
  const maxChars = maxTokens * CHARS_PER_TOKEN;
  if (output.length <= maxChars) return { output, truncated: false };
  const kept = output.slice(0, maxChars);
  const omittedLines = output.slice(maxChars).split('\n').length;
  return {
    output: `${kept}\n\n[Output truncated to fit the context window: ${omittedLines} more lines not shown. Narrow the search, or read a smaller range with offset and limit.]`,
    truncated: true,
  };
}

/**
 * Replaces the oldest tool responses with a short stub until the conversation fits `budget`
 * tokens. The system prompt, the questions and the model's own turns are never dropped. Mutates
 * `messages` in place so later turns keep the same (compacted) prefix. Returns how many responses
 * were replaced, and whether the conversation fits now.
 */
export function compactToFit(messages: ConversationMessage[], budget: number): { replaced: number; fits: boolean } {
  let total = estimateConversationTokens(messages);
  let replaced = 0;
  for (const message of messages) {
    if (total <= budget) break;
    if (message.role !== 'tool' || message.content === COMPACTED_TOOL_OUTPUT) continue;
    total -= estimateTokens(message.content) - estimateTokens(COMPACTED_TOOL_OUTPUT);
    message.content = COMPACTED_TOOL_OUTPUT;
    replaced++;
  }
  return { replaced, fits: total <= budget };
}
