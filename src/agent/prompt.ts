import type { ConversationMessage } from '../protocol/conversation';
import type { PromptPart } from '../protocol/prompt';

const IM_START = '<|im_start|>';
const IM_END = '<|im_end|>';

/**
 * Renders a conversation in Qwen3 ChatML without thinking, byte for byte as the base model's
 * chat template does (tool messages grouped into one user turn), ending with the generation
 * prompt. Only the ChatML markers are special parts; all content stays plain text.
 */
export function renderPrompt(messages: readonly ConversationMessage[]): PromptPart[] {
  const parts: PromptPart[] = [];
  const special = (text: string) => parts.push({ text, special: true });
  const plain = (text: string) => {
    const last = parts[parts.length - 1];
    if (last && !last.special) last.text += text;
    else parts.push({ text, special: false });
  };

  messages.forEach((message, index) => {
    if (message.role === 'tool') {
      if (messages[index - 1]?.role !== 'tool') {
        special(IM_START);
        plain('user');
      }
      plain(`\n<tool_response>\n${message.content}\n</tool_response>`);
      if (messages[index + 1]?.role !== 'tool') {
        special(IM_END);
        plain('\n');
      }
      return;
    }
    special(IM_START);
    plain(`${message.role}\n${message.content}`);
    special(IM_END);
    plain('\n');
  });
  special(IM_START);
  plain('assistant\n');
  return parts;
}

/** The prompt as one string, for display, logs and comparison with the chat template. */
export function promptText(parts: readonly PromptPart[]): string {
  return parts.map((part) => part.text).join('');
}

export interface EnvironmentInfo {
  cwd: string;
  platform: string;
  shell: string;
}

/**
 * The system prompt. Short on purpose: every token here is prefilled on the user's machine,
 * though the engine reuses it from the KV cache across questions.
 */
export function systemPrompt(env: EnvironmentInfo): string {
  return [
    'You are LocoOperator, a read-only codebase search specialist. You explore the code in the working directory to answer the question you are given, then report what you found.',
    '',
    'CRITICAL CONSTRAINTS:',
    '- Strictly read-only: never create, modify, move or delete files, and never run commands that change anything.',
    '- Make independent tool calls in parallel: put several <tool_call> blocks in one reply.',
    '- Use absolute file paths.',
    '- Do not use emojis.',
    '- When you have enough information, answer directly with your final report: no tool call, concise, with file references as /absolute/path:line.',
    '',
    'Tools: Read (file_path, offset, limit), Grep (pattern, path, glob, type, output_mode, -i, -n, -A, -B, -C, head_limit), Glob (pattern, path), Bash (command, description; read-only commands only), Task (description, prompt, subagent_type; delegates a focused search).',
    'Call a tool by writing <tool_call>\n{"name": "Read", "arguments": {"file_path": "/abs/path"}}\n</tool_call>. Results come back as <tool_response> blocks in the same order.',
    '',
    `ENV: working directory ${env.cwd}; OS ${env.platform}; shell ${env.shell}.`,
  ].join('\n');
}
