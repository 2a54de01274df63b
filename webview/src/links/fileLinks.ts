import type { FileReference } from '../../../src/protocol/fileReference';
import type { WebviewToHost } from '../../../src/protocol/webview';

/** The most references one `links/verify` message may carry (the schema's limit). */
const batchSize = 500;

/**
 * Collects the references that rendered components show and asks the host about each once,
 * in batches: a card or a report renders dozens of references in one go.
 */
export class LinkVerifier {
  private readonly asked = new Set<string>();
  private pending: FileReference[] = [];
  private scheduled = false;

  constructor(private readonly post: (message: WebviewToHost) => void) {}

  request(reference: FileReference): void {
    if (this.asked.has(reference.text)) return;
    this.asked.add(reference.text);
    this.pending.push({ text: reference.text, path: reference.path, line: reference.line, endLine: reference.endLine });
    if (this.scheduled) return;
    this.scheduled = true;
    queueMicrotask(() => this.flush());
  }

  /** Forgets what was asked: a new snapshot means the answers to earlier questions may be lost. */
  reset(): void {
    this.asked.clear();
  }

  private flush(): void {
    this.scheduled = false;
    const pending = this.pending;
    this.pending = [];
    for (let start = 0; start < pending.length; start += batchSize) {
      this.post({ type: 'links/verify', refs: pending.slice(start, start + batchSize) });
    }
  }
}

/**
 * Whether a reference that the host could not find should be marked as invented. A bare name
 * (`Node.js`) or an extensionless path (`and/or`, `/api/users`) may just be prose, so those stay
 * plain text; a path with a file extension or a line number claims to be a file.
 */
export function claimsToBeFile(reference: FileReference): boolean {
  if (reference.line !== undefined) return true;
  return /[\\/]/.test(reference.path) && /\.[A-Za-z][A-Za-z0-9_]*$/.test(reference.path);
}
