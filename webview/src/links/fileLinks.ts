import { referenceKey, type FileReference } from '../../../src/protocol/fileReference';
import type { ResolvedLink, ResolvedLinks, WebviewToHost } from '../../../src/protocol/webview';

/** The most references one `links/verify` message may carry (the schema's limit). */
const batchSize = 500;

interface Watched {
  reference: FileReference;
  listeners: Set<() => void>;
}

/**
 * The host's verdicts on the file references that rendered components show. Each reference is
 * asked about once, in batches (a card or a report renders dozens in one go), and each verdict
 * wakes only the components that show that reference: a long report shows thousands, verdicts
 * keep arriving while it streams, and re-rendering all of them for each one froze the view.
 */
export class FileLinks {
  private readonly verdicts = new Map<string, ResolvedLink>();
  private readonly asked = new Set<string>();
  private readonly watched = new Map<string, Watched>();
  private pending: FileReference[] = [];
  private scheduled = false;

  constructor(private readonly post: (message: WebviewToHost) => void) {}

  /** The host's verdict on the reference with this key (`referenceKey`), if it has answered. */
  verdict(key: string): ResolvedLink | undefined {
    return this.verdicts.get(key);
  }

  /** Calls `listener` when the verdict on `reference` arrives, asking the host if nobody has. */
  watch(reference: FileReference, listener: () => void): () => void {
    const key = referenceKey(reference);
    let watched = this.watched.get(key);
    if (!watched) {
      watched = { reference, listeners: new Set() };
      this.watched.set(key, watched);
    }
    watched.listeners.add(listener);
    if (!this.verdicts.has(key)) this.ask(reference);
    const listeners = watched.listeners;
    return () => {
      listeners.delete(listener);
      if (listeners.size === 0 && this.watched.get(key)?.listeners === listeners) this.watched.delete(key);
    };
  }

  /** Verdicts from the host (`links/resolved`). */
  resolve(links: ResolvedLinks): void {
    for (const [key, link] of Object.entries(links)) {
      this.verdicts.set(key, link);
      this.notify(key);
    }
  }

  /**
   * A snapshot: its verdicts replace what the view knew, and the references on screen that it
   * has no verdict for are asked about again (the host that sent it may have forgotten them).
   */
  reset(links: ResolvedLinks): void {
    this.verdicts.clear();
    this.asked.clear();
    for (const [key, link] of Object.entries(links)) this.verdicts.set(key, link);
    for (const [key, watched] of this.watched) {
      if (!this.verdicts.has(key)) this.ask(watched.reference);
      this.notify(key);
    }
  }

  private notify(key: string): void {
    for (const listener of this.watched.get(key)?.listeners ?? []) listener();
  }

  private ask(reference: FileReference): void {
    const key = referenceKey(reference);
    if (this.asked.has(key)) return;
    this.asked.add(key);
    this.pending.push({ text: reference.text, path: reference.path, line: reference.line, endLine: reference.endLine, base: reference.base });
    if (this.scheduled) return;
    this.scheduled = true;
    queueMicrotask(() => this.flush());
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
