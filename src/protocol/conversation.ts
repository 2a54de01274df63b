import { z } from 'zod';

/**
 * One message of an agent conversation as the model sees it. Assistant content is the model's
 * raw output (text and `<tool_call>` blocks) kept byte for byte; each `tool` message is the text
 * of one tool response, in call order.
 */
export const ConversationMessage = z.object({
  role: z.enum(['system', 'user', 'assistant', 'tool']),
  content: z.string(),
  /**
   * Text that follows a tool response in the same user turn, outside its `<tool_response>`
   * block, as the training data placed `<system-reminder>` notes (the last-turn reminder).
   */
  reminder: z.string().optional(),
});
export type ConversationMessage = z.infer<typeof ConversationMessage>;
