import type { ConversationMessage } from '../protocol/conversation';
import type { PromptPart } from '../protocol/prompt';
import { firstSentence, parameterNames, type ToolSummary } from '../tools/toolDescriptions';

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
      if (message.reminder) plain(`\n${message.reminder}`);
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

export interface EnvironmentInfo {
  cwd: string;
  /** `process.platform` of the machine the tools run on. */
  platform: string;
  shell: string;
}

/**
 * The system prompt of the model's training data, byte for byte (the authors' published sample,
 * whitespace included: note the space after "OUTPUT RULES:"). Every word that differs from it
 * costs a 4B model accuracy, so it carries no tool list: the model learned the tools and the
 * `<tool_call>` format in training.
 */
const TRAINED_SYSTEM_PROMPT =
  'You are a read-only codebase search specialist.\n\nCRITICAL CONSTRAINTS:\n1. STRICTLY READ-ONLY: You cannot create, edit, delete, move files, or run any state-changing commands. Use tools/bash ONLY for reading (e.g., ls, find, cat, grep).\n2. EFFICIENCY: Spawn multiple parallel tool calls for faster searching.\n3. OUTPUT RULES: \n   - ALWAYS use absolute file paths.\n   - STRICTLY NO EMOJIS in your response.\n   - Output your final report directly. Do not use colons before tool calls.';

/**
 * Which system prompt a run uses: `trained` (the default) is the training data's own; `toolList`
 * adds a line per tool (its name, its parameters and its description's first sentence, all from
 * toolSummaries), kept only to be compared against it in an evaluation with the real weights.
 */
export type SystemPromptVariant = 'trained' | 'toolList';

export function systemPrompt(env: EnvironmentInfo, variant: SystemPromptVariant = 'trained', tools: readonly ToolSummary[] = []): string {
  const toolList =
    variant === 'toolList' && tools.length > 0
      ? `\n\nTools:\n${tools.map(toolListLine).join('\n')}\nCall one with <tool_call>\n{"name": "Read", "arguments": {"file_path": "/abs/path"}}\n</tool_call>.`
      : '';
  return `${TRAINED_SYSTEM_PROMPT}${toolList}\n\n${environmentLine(env)}`;
}

/** The system prompt's last line, as in the training data; a follow-up that moves to another folder repeats it with that folder (AgentSession). */
export function environmentLine(env: EnvironmentInfo): string {
  return `ENV: Working directory is ${env.cwd} (${osName(env.platform)}, ${env.shell}).`;
}

/** What the ENV line says of a machine: its platform and the user's login shell (SHELL, unset on Windows outside Git Bash). */
export interface MachineFacts {
  platform: string;
  loginShell: string | undefined;
}

/**
 * The ENV facts of a machine (this one unless told) for a working directory; what `env` gives wins
 * (a run that pins the platform and shell).
 */
export function environmentFor(cwd: string, env: Partial<EnvironmentInfo> = {}, machine: MachineFacts = { platform: process.platform, loginShell: process.env.SHELL }): EnvironmentInfo {
  return { cwd, platform: machine.platform, shell: shellName(machine.loginShell), ...env };
}

/** One tool in the `toolList` variant: `- Read (file_path, offset, limit): Reads a text file of the workspace.` */
function toolListLine(tool: ToolSummary): string {
  return `- ${tool.name} (${parameterNames(tool).join(', ')}): ${firstSentence(tool.description)}`;
}

/** Operating systems named as in the training data's ENV line. */
function osName(platform: string): string {
  switch (platform) {
    case 'darwin':
      return 'macOS';
    case 'linux':
      return 'Linux';
    case 'win32':
      return 'Windows';
    default:
      return platform;
  }
}

/**
 * The shell named in the ENV line: the user's login shell when it is one the Bash tool's syntax
 * serves (the training data says zsh on macOS), else bash, which is what the tool speaks.
 */
export function shellName(loginShell: string | undefined): string {
  // Windows names a program with its extension (`C:\Program Files\Git\bin\bash.exe`).
  const name = loginShell?.split(/[\\/]/).pop()?.replace(/\.exe$/i, '') ?? '';
  return name === 'zsh' || name === 'bash' ? name : 'bash';
}
