import type { PromptPart } from '../../protocol/prompt';

/**
 * For servers that take the prompt only as text (OpenAI-compatible completions, Ollama's raw
 * prompts): they tokenize it with special tokens enabled, so a file that contains `<|im_end|>`
 * would end its own tool response there. Plain parts therefore have every `<|name|>` control
 * marker broken with a zero-width space after the `<`: it reads the same to the model and can no
 * longer match a special token. Only plain parts are changed; the structural markers (special
 * parts) and every other byte stay as rendered.
 */
const CONTROL_MARKER = /<\|([A-Za-z0-9_]+)\|>/g;
const ZERO_WIDTH_SPACE = '\u200B';

export function neutraliseMarkers(text: string): string {
  return text.replace(CONTROL_MARKER, `<${ZERO_WIDTH_SPACE}|$1|>`);
}

export function promptAsText(prompt: readonly PromptPart[]): string {
  return prompt.map((part) => (part.special ? part.text : neutraliseMarkers(part.text))).join('');
}
