import { rootLabel } from '../tools/support/rootLabels';
import { isInsideRoots } from '../tools/support/workspacePaths';

/**
 * Every task the model is given, in the framing of its training data: the authors' sample puts
 * `TASK:`, then "Analyze the <name> codebase at `<dir>`.", then what to find, then "Return a
 * comprehensive answer …, including relevant code snippets and absolute file paths." A 4B model
 * follows the shape it was trained on best, so each entry point (a typed question, Explain This
 * Folder / File, Ask About Selection, the CLI) only supplies the middle. The line numbers are
 * asked for because the report's references are what the user clicks through to check it.
 */

const ANSWER_RULE = 'Return a comprehensive answer, including relevant code snippets and absolute file paths with line numbers.';

/** Selected text beyond this many characters is cut: the model reads the file itself if needed. */
export const MAX_SELECTION_CHARS = 8000;

/** What a task is about: the workspace folders, and the part of them the user pointed at. */
export interface TaskPlace {
  /** Workspace folders (absolute). */
  roots: readonly string[];
  /** A folder or file inside them; without one the task is about the whole workspace. */
  focus?: { kind: 'folder' | 'file'; path: string };
}

/** A question typed by the user (the view, the command palette, the CLI). */
export function questionTask(question: string, place: TaskPlace): string {
  const about = place.focus ? [`The question is about the ${place.focus.kind} \`${place.focus.path}\`.`] : [];
  return framed(place, [question.trim(), ...about]);
}

export function explainFolderTask(folder: string, roots: readonly string[]): string {
  return framed({ roots, focus: { kind: 'folder', path: folder } }, [
    `Explain the folder \`${folder}\`:`,
    '1. Its purpose.',
    '2. Its main files and subfolders, and the role of each.',
    '3. How it connects to the rest of the codebase: what it uses and what uses it.',
    '4. Its entry points: where execution, or a reader, should start.',
  ]);
}

export function explainFileTask(file: string, roots: readonly string[]): string {
  return framed({ roots, focus: { kind: 'file', path: file } }, [
    `Explain the file \`${file}\`:`,
    '1. Its purpose.',
    '2. Its main definitions (functions, classes, constants) and what each does.',
    '3. How it connects to the rest of the codebase: what it imports and where it is used.',
    '4. Its entry points.',
  ]);
}

export interface SelectionTaskInput {
  file: string;
  startLine: number;
  endLine: number;
  text: string;
  /** What the user wants to know; without one the selection is explained. */
  question?: string;
}

export function askAboutSelectionTask(input: SelectionTaskInput, roots: readonly string[]): string {
  const cut = input.text.length > MAX_SELECTION_CHARS;
  const text = cut ? input.text.slice(0, MAX_SELECTION_CHARS) : input.text;
  const fence = fenceFor(text);
  const question =
    input.question?.trim() || 'Explain this code: what it does, how it works, where it is called from and what it relies on.';
  return framed({ roots, focus: { kind: 'file', path: input.file } }, [
    question,
    `The code is ${input.file}:${input.startLine}-${input.endLine}${cut ? ' (shortened; read the file for the rest)' : ''}:`,
    fence,
    text,
    fence,
  ]);
}

function framed(place: TaskPlace, middle: readonly string[]): string {
  return ['TASK:', analyzeLine(place), ...middle, '', ANSWER_RULE].join('\n');
}

/**
 * "Analyze the <name> codebase at `<dir>`." — the codebase is the workspace folder that holds
 * the focus, or every folder of the workspace when the task is about all of it.
 */
function analyzeLine(place: TaskPlace): string {
  const focus = place.focus?.path;
  const holding = focus === undefined ? [] : place.roots.filter((root) => isInsideRoots(focus, [root])).sort((a, b) => b.length - a.length).slice(0, 1);
  const codebases = holding.length > 0 ? holding : place.roots;
  if (codebases.length === 0) return 'Analyze the codebase.';
  const names = codebases.map((root) => rootLabel(root, place.roots));
  const dirs = codebases.map((root) => `\`${root}\``);
  return codebases.length === 1
    ? `Analyze the ${names[0]} codebase at ${dirs[0]}.`
    : `Analyze the ${listed(names)} codebases at ${listed(dirs)}.`;
}

function listed(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** A code fence longer than any run of backticks in the text, so the text cannot close it. */
function fenceFor(text: string): string {
  const longest = Math.max(0, ...Array.from(text.matchAll(/`+/g), (match) => match[0].length));
  return '`'.repeat(Math.max(3, longest + 1));
}
