import type { AgentEvent } from '../../../src/protocol/agentEvent';

/**
 * The events of one run tree, sorted by `seq`, as an immutable value that appends in O(1).
 *
 * A view owns the first `length` entries of a shared array and never sees later ones. Appending
 * at the array's end pushes in place; appending from an older view (React may run a reducer
 * twice with the same state) copies first. So every view stays unchanged after it is made,
 * while a run that streams tens of thousands of deltas does not copy its log per event.
 */
export interface EventLog {
  readonly entries: AgentEvent[];
  readonly length: number;
}

export const emptyLog = (): EventLog => ({ entries: [], length: 0 });

export function lastSeq(log: EventLog): number {
  return log.length === 0 ? -1 : log.entries[log.length - 1]!.seq;
}

export function eventsOf(log: EventLog): readonly AgentEvent[] {
  return log.entries.length === log.length ? log.entries : log.entries.slice(0, log.length);
}

/** Whether the log holds an event with this seq (binary search). */
export function hasSeq(log: EventLog, seq: number): boolean {
  const index = insertionIndex(log, seq);
  return index < log.length && log.entries[index]!.seq === seq;
}

/** Adds an event after the last one; the caller checked that its seq is the largest. */
export function append(log: EventLog, event: AgentEvent): EventLog {
  const entries = log.entries.length === log.length ? log.entries : log.entries.slice(0, log.length);
  entries.push(event);
  return { entries, length: log.length + 1 };
}

/** Adds an event in seq order anywhere in the log (late arrival); copies the log. */
export function insert(log: EventLog, event: AgentEvent): EventLog {
  const entries = log.entries.slice(0, log.length);
  entries.splice(insertionIndex(log, event.seq), 0, event);
  return { entries, length: entries.length };
}

/** Builds a log from events in any order, keeping the first of each seq. */
export function logFrom(events: readonly AgentEvent[]): EventLog {
  const entries: AgentEvent[] = [];
  for (const event of [...events].sort((a, b) => a.seq - b.seq)) {
    if (entries[entries.length - 1]?.seq !== event.seq) entries.push(event);
  }
  return { entries, length: entries.length };
}

function insertionIndex(log: EventLog, seq: number): number {
  let low = 0;
  let high = log.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (log.entries[middle]!.seq < seq) low = middle + 1;
    else high = middle;
  }
  return low;
}
