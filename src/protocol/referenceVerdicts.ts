import type { FileReference } from './fileReference';
import type { ResolvedLink } from './webview';

/**
 * How a reference the host has answered is presented, wherever a person or another agent reads
 * it: the view's links and marked references, the CLI's list, the report the explore tool returns.
 */

/**
 * What to make of the host's verdict on a reference:
 * - `link`: a file (and lines) in the workspace;
 * - `folder`: a folder of the workspace, named as such (`lib/`), which is a fine thing to mention;
 * - `unverified`: marked as possibly invented, with `unverifiedWhy`;
 * - `plain`: not a reference after all (prose such as `and/or` or `port:8080`).
 * A reference that the host found nothing for is unverified only when it claims to be a file: a
 * path with a file extension, or a line. A bare name without an extension (`port:8080`) or an
 * extensionless path (`/api/users`) may be prose, so it is marked only when something is there.
 */
export function referenceVerdict(reference: FileReference, resolved: ResolvedLink): 'link' | 'folder' | 'unverified' | 'plain' {
  if (resolved.exists && resolved.path !== undefined) return 'link';
  if (resolved.reason === 'folder' && reference.line === undefined) return 'folder';
  if (resolved.path !== undefined || claimsToBeFile(reference)) return 'unverified';
  return 'plain';
}

function claimsToBeFile(reference: FileReference): boolean {
  const inFolder = /[\\/]/.test(reference.path);
  const extension = /\.[A-Za-z][A-Za-z0-9_]*$/.test(reference.path);
  return reference.line !== undefined ? inFolder || extension : inFolder && extension;
}

/** Why the host did not link a reference, in words (a tooltip, a screen reader, a report's flag). */
export function unverifiedWhy(resolved: ResolvedLink, writtenPath: string): string {
  const where = resolved.path ?? writtenPath;
  const { line, endLine } = resolved;
  switch (resolved.reason) {
    case 'pastEnd': {
      const has = resolved.lineCount === undefined ? '' : `, which has ${lines(resolved.lineCount)}`;
      return endLine !== undefined && endLine > (line ?? 0)
        ? `Lines ${line ?? '?'}-${endLine} run past the end of ${where}${has}`
        : `Line ${line ?? '?'} is past the end of ${where}${has}`;
    }
    case 'lineZero':
      return `Line 0 is not a line of ${where}: lines count from 1`;
    case 'reversedRange':
      return `The range ${line ?? '?'}-${endLine ?? '?'} of ${where} ends before it starts`;
    case 'folder':
      return line === undefined ? `${where} is a folder` : `${where} is a folder, not a file: a line number needs a file`;
    case 'outsideWorkspace':
      return `${writtenPath} is outside the workspace; only files in the workspace are linked`;
    case 'notAFile':
      return `${writtenPath} is not a file`;
    case 'notFound':
    case undefined:
      return `No file ${writtenPath} in this workspace`;
  }
}

function lines(count: number): string {
  return `${count.toLocaleString('en-US')} ${count === 1 ? 'line' : 'lines'}`;
}
