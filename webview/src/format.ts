import { formatCount, plural } from '../../src/protocol/counts';

/** Short human figures for the footer, cards and download progress. */

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 1 : 0)} s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes} min ${Math.round(seconds % 60)} s`;
}

/** A wait that ticks once a second: "7 s", "2 min 5 s". */
export function formatElapsed(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  return seconds < 60 ? `${seconds} s` : `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}

export { formatCount, plural };

/**
 * Lines longer than this are cut for display: laying out a megabyte-long word in a narrow view
 * takes the browser tens of seconds. Copy and Open in Editor still give the whole text.
 */
const maxDisplayedLineChars = 10_000;

export function clipLongLines(text: string): string {
  if (text.length <= maxDisplayedLineChars) return text;
  return text
    .split('\n')
    .map((line) =>
      line.length <= maxDisplayedLineChars
        ? line
        : `${line.slice(0, maxDisplayedLineChars)} … [${plural(line.length - maxDisplayedLineChars, 'more character')} not shown]`,
    )
    .join('\n');
}
