import { describe, expect, it } from 'vitest';
import { append, emptyLog, eventsOf, hasSeq, insert, lastSeq, logFrom } from '../../../webview/src/state/eventLog';
import { RunScript } from './runScript';

const [a, b, c, d] = new RunScript().started().turn(1).text('x').text('y').events;
const seqs = (log: ReturnType<typeof emptyLog>) => eventsOf(log).map((event) => event.seq);

describe('EventLog', () => {
  it('keeps every earlier view unchanged when one view is appended to twice', () => {
    // React may run a reducer twice with the same state (StrictMode); both results must be right.
    const base = append(append(emptyLog(), a!), b!);
    const first = append(base, c!);
    const second = append(base, d!);
    expect(seqs(base)).toEqual([0, 1]);
    expect(seqs(first)).toEqual([0, 1, 2]);
    expect(seqs(second)).toEqual([0, 1, 3]);
    expect(lastSeq(first)).toBe(2);
  });

  it('finds seqs, inserts late events in order and builds from any order without duplicates', () => {
    const log = logFrom([d!, b!, b!, a!]);
    expect(seqs(log)).toEqual([0, 1, 3]);
    expect(hasSeq(log, 1)).toBe(true);
    expect(hasSeq(log, 2)).toBe(false);
    const filled = insert(log, c!);
    expect(seqs(filled)).toEqual([0, 1, 2, 3]);
    expect(seqs(log)).toEqual([0, 1, 3]);
    expect(lastSeq(emptyLog())).toBe(-1);
  });
});
