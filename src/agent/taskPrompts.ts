/**
 * The task text for the editor's entry points (Explain This Folder / File, Ask About Selection).
 * They ask for what a newcomer needs — purpose, main parts and their roles, connections, entry
 * points — and for a file reference behind every claim, because the report's references are
 * what the user clicks through to check it.
 */

const REFERENCE_RULE =
  'Back every claim with a file reference written as an absolute path with a line or line range (path:line or path:start-end).';

/** Selected text beyond this many characters is cut: the model reads the file itself if needed. */
export const MAX_SELECTION_CHARS = 8000;

export function explainFolderTask(folder: string): string {
  return [
    `Explain the folder ${folder}.`,
    'Report: its purpose; its main files and subfolders and the role of each; how it connects to the rest of the codebase (what it uses and what uses it); its entry points (where execution or a reader should start).',
    REFERENCE_RULE,
  ].join('\n');
}

export function explainFileTask(file: string): string {
  return [
    `Explain the file ${file}.`,
    'Report: its purpose; its main definitions (functions, classes, constants) and what each does; how it connects to the rest of the codebase (what it imports and where it is used); its entry points.',
    REFERENCE_RULE,
  ].join('\n');
}

export interface SelectionTaskInput {
  file: string;
  startLine: number;
  endLine: number;
  text: string;
  /** What the user wants to know; without one the selection is explained. */
  question?: string;
}

export function askAboutSelectionTask(input: SelectionTaskInput): string {
  const cut = input.text.length > MAX_SELECTION_CHARS;
  const text = cut ? input.text.slice(0, MAX_SELECTION_CHARS) : input.text;
  const fence = fenceFor(text);
  const question =
    input.question?.trim() ||
    'Explain this code: what it does, how it works, where it is called from and what it relies on.';
  return [
    `${question}`,
    '',
    `The code is ${input.file}:${input.startLine}-${input.endLine}${cut ? ' (shortened; read the file for the rest)' : ''}:`,
    fence,
    text,
    fence,
    REFERENCE_RULE,
  ].join('\n');
}

/**
 * A question typed in the view. With several workspace folders the model is told all of them:
 * its environment line names only the working directory.
 */
export function workspaceTask(question: string, roots: readonly string[]): string {
  if (roots.length <= 1) return question;
  return `${question}\n\nThe workspace has these folders: ${roots.join(', ')}.`;
}

/** A code fence longer than any run of backticks in the text, so the text cannot close it. */
function fenceFor(text: string): string {
  const longest = Math.max(0, ...Array.from(text.matchAll(/`+/g), (match) => match[0].length));
  return '`'.repeat(Math.max(3, longest + 1));
}
