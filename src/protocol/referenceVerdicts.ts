import type { FileReference } from './fileReference';
import type { ResolvedLink } from './webview';

/**
 * How a reference the host could not verify is presented, wherever a person or another agent
 * reads it: the view's marked references and the report the explore tool returns.
 */

/**
 * Whether a reference that the host could not find should be marked as invented. A bare name
 * (`Node.js`) or an extensionless path (`and/or`, `/api/users`) may just be prose, so those stay
 * plain text; a path with a file extension or a line number claims to be a file.
 */
export function claimsToBeFile(reference: FileReference): boolean {
  if (reference.line !== undefined) return true;
  return /[\\/]/.test(reference.path) && /\.[A-Za-z][A-Za-z0-9_]*$/.test(reference.path);
}

/** Why the host did not link a reference, in words (a tooltip, a screen reader, a report's flag). */
export function unverifiedWhy(resolved: ResolvedLink, writtenPath: string): string {
  const where = resolved.path ?? writtenPath;
  switch (resolved.reason) {
    case 'pastEnd':
      return `Line ${resolved.line ?? '?'} is past the end of ${where}${resolved.lineCount === undefined ? '' : `, which has ${lines(resolved.lineCount)}`}`;
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
