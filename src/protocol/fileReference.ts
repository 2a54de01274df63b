import { z } from 'zod';

/** Longer is not a path on any system (PATH_MAX is 4096 on Linux). */
const maxPathChars = 4096;

/**
 * A file reference found in model or tool text: `src/app.py:10`, `/abs/x.ts:3-9`,
 * `lib/a.js#L4-L8`. Found by `findFileReferences` on both sides of the webview; only the
 * extension host can tell whether it names a real file and line, so the webview links a
 * reference only after the host has verified it.
 */
export const FileReference = z.object({
  /** The exact text as it appears (the key the host answers under). */
  text: z.string().max(maxPathChars + 32),
  /** The path as written: absolute or relative to a workspace folder. */
  path: z.string().min(1).max(maxPathChars),
  /** As written: 0 is kept (no file has a line 0), so that the host can say so. */
  line: z.number().int().nonnegative().optional(),
  /** As written, even when it is before `line` (a range that runs backwards, which the host flags). */
  endLine: z.number().int().positive().optional(),
  /**
   * The folder the text was written in (its run's working folder), where a relative reference is
   * looked for first: `README.md:1` from a run in one root is not the other root's README.
   */
  base: z.string().max(maxPathChars).optional(),
});
export type FileReference = z.infer<typeof FileReference>;

/** What the host's verdict on a reference is keyed by: its text, and the folder it was written in. */
export function referenceKey(reference: Pick<FileReference, 'text' | 'base'>): string {
  return reference.base === undefined ? reference.text : `${reference.base}\0${reference.text}`;
}

/** A reference and where it starts in the text it was found in. */
export interface FileReferenceMatch extends FileReference {
  index: number;
}

// Characters of one path segment. Separators and line suffixes are matched outside it, which
// keeps the pattern linear on long lines.
const segment = String.raw`[\w.\-@+~%]+`;
const separator = String.raw`[\\/]`;
const pathPattern = String.raw`(?:[A-Za-z]:[\\/]|[\\/])?(?:${segment}${separator})*${segment}`;
// `:10`, `:10-20`, `:10:5` (column ignored), `#L10`, `#L10-L20`, `#L10-20`.
// Up to nine digits: a line number, not a port or a timestamp, and always a safe integer.
const linePattern = String.raw`(?::(\d{1,9})(?:[-–](\d{1,9}))?|#L(\d{1,9})(?:-L?(\d{1,9}))?)?(?!\d)`;
// A separator that ends the path (`lib/`) says it names a folder.
const folderMark = String.raw`(${separator}(?![\w.\-@+~%]))?`;
// Not inside a longer token: a URL's host, `user@host:/path`, `key:value` all precede a path this way.
const referencePattern = new RegExp(String.raw`(?<![\w.\-@+~%:\\/])(${pathPattern})${folderMark}${linePattern}`, 'g');

// The scheme's length is bounded so that a long dotted word cannot make this quadratic.
const urlPattern = /\b[a-zA-Z][a-zA-Z0-9+.-]{0,31}:\/\/[^\s<>"'`]*|\bwww\.[^\s<>"'`]*/g;
const extensionPattern = /\.[A-Za-z][A-Za-z0-9_]{0,11}$/;
// A host name, not a file: `github.com/org/repo`, `example.org`.
const hostPattern = /^(?:[\w-]+\.)+(?:com|org|net|io|dev|ai|co|edu|gov|app|me|info|uk|de|fr|jp|cn|ru)$/i;

/**
 * Finds the file references in `text`: absolute (`/x/y.ts`, `C:\x\y.ts`) or relative
 * (`src/y.ts`, `./y.ts`, `y.ts`) paths, optionally followed by `:line`, `:line-line` or
 * `#Lline-Lline`, and folders written with a final separator (`lib/`). URLs, host names and
 * version numbers (`1.2.3`) are not references. A bare name without a directory counts if it has
 * a file extension (`y.ts`) or a line (`Makefile:3`, `lib:1`, but also `port:8080`): whether such
 * a name is a place in the workspace is the host's to say (see referenceVerdicts).
 */
export function findFileReferences(text: string): FileReferenceMatch[] {
  const masked = text.replace(urlPattern, (url) => ' '.repeat(url.length));
  const found: FileReferenceMatch[] = [];
  for (const match of masked.matchAll(referencePattern)) {
    const reference = toReference(match);
    if (reference) found.push(reference);
  }
  return found;
}

function toReference(match: RegExpMatchArray): FileReferenceMatch | undefined {
  // Sentence punctuation is not part of a path: "see src/app.py.".
  const rawPath = match[1] ?? '';
  const path = rawPath.replace(/[.\-~%+@]+$/, '');
  const folder = match[2] !== undefined;
  const lineText = match[3] ?? match[5];
  const endText = match[4] ?? match[6];
  const index = match.index ?? 0;
  if (!isPathLike(path, lineText !== undefined, folder)) return undefined;
  // A path shortened by trailing punctuation loses its line suffix (the suffix followed the punctuation).
  if (path.length !== rawPath.length) return { text: path, path, index };
  const reference: FileReferenceMatch = { text: match[0], path, index };
  if (lineText !== undefined) reference.line = Number(lineText);
  if (endText !== undefined) reference.endLine = Number(endText);
  return reference;
}

function isPathLike(path: string, hasLine: boolean, folder: boolean): boolean {
  if (path.length > maxPathChars) return false;
  if (!/[A-Za-z]/.test(path)) return false;
  const segments = path.split(/[\\/]/).filter((part) => part !== '');
  const last = segments[segments.length - 1];
  if (last === undefined) return false;
  const hasDirectory = segments.length > 1 || /^(?:[A-Za-z]:)?[\\/]/.test(path);
  const first = segments[0] ?? '';
  if (!/^[\\/]/.test(path) && hostPattern.test(first)) return false;
  if (hasDirectory) return true;
  // A bare name: `app.py`, `app.py:10`, `lib/`, `Makefile:3`; not `e.g`, `v1.2`, `dev@example.org`.
  if (/.@/.test(last)) return false;
  if (folder || (hasLine && !/\./.test(last) && !/^localhost$/i.test(last))) return true;
  const stem = last.replace(extensionPattern, '');
  return extensionPattern.test(last) && stem.length >= (hasLine ? 1 : 2) && /[A-Za-z]/.test(stem);
}
