import { describe, expect, it } from 'vitest';
import { initialView, viewReducer, type ViewAction, type ViewModel } from '../../../webview/src/state/viewReducer';
import { rootAgent, type RunTree } from '../../../webview/src/state/runTree';
import { asMessages, header, RunScript, snapshot, typicalRun } from './runScript';

const feed = (messages: readonly ViewAction[], view: ViewModel = viewReducer(initialView, snapshot())) =>
  messages.reduce(viewReducer, view);

/** What a user sees of a run: every agent's timeline, tool statuses, the report and totals. */
function visible(tree: RunTree) {
  const agents = Object.fromEntries(
    Object.values(tree.agents).map((agent) => [
      agent.runId,
      {
        items: agent.items.map((item) => (item.kind === 'text' ? `text:${item.text}` : `tool:${item.callId}`)),
        finished: agent.finished?.reason,
      },
    ]),
  );
  const tools = Object.fromEntries(Object.values(tree.tools).map((tool) => [tool.callId, tool.result?.status ?? 'running']));
  return { agents, tools, subRuns: tree.subRuns, stats: tree.stats, report: rootAgent(tree)?.finished?.report };
}

describe('viewReducer', () => {
  const script = typicalRun();
  const inOrder = feed([{ type: 'run/created', run: header() }, ...asMessages(script.events)]);
  const tree = inOrder.runs['run-1']!;

  it('builds the timeline, tool statuses, nested sub-agent and totals from a stream', () => {
    expect(visible(tree)).toEqual({
      agents: {
        'run-1': {
          items: ['text:I will read the config first.', 'tool:c1', 'tool:c2', 'text:## Summary\n\nConfig is in `src/server/config.py:1`.'],
          finished: 'done',
        },
        'sub-1': { items: ['tool:s1'], finished: 'done' },
      },
      tools: { c1: 'done', c2: 'done', s1: 'done' },
      subRuns: { c2: ['sub-1'] },
      stats: { turns: 2, toolCalls: 3, evaluatedTokens: 1200, promptTokens: 1200, completionTokens: 160, generationMs: 2000 },
      report: '## Summary\n\nConfig is in `src/server/config.py:1`.',
    });
    expect(inOrder.activeRunId).toBeUndefined();
    expect(inOrder.finishedRunId).toBe('run-1');
  });

  it('marks the run active from run/created until its root finishes', () => {
    const view = feed([{ type: 'run/created', run: header() }, ...asMessages(script.events.slice(0, 10))]);
    expect(view.activeRunId).toBe('run-1');
    expect(view.runs['run-1']!.tools.c1!.result?.status).toBe('done');
    expect(view.runs['run-1']!.tools.c2!.result).toBeUndefined();
    expect(view.finishedRunId).toBeUndefined();
  });

  it('ignores duplicated events, keeping the same state object', () => {
    const again = feed(asMessages(script.events), inOrder);
    expect(again.runs['run-1']).toBe(tree);
    const doubled = feed([{ type: 'run/created', run: header() }, ...asMessages(script.events.flatMap((event) => [event, event]))]);
    expect(visible(doubled.runs['run-1']!)).toEqual(visible(tree));
  });

  it('converges to the same run from any arrival order', () => {
    const shuffled = [...script.events].reverse();
    const reversed = feed([{ type: 'run/created', run: header() }, ...asMessages(shuffled)]);
    expect(visible(reversed.runs['run-1']!)).toEqual(visible(tree));
    const swapped = [...script.events];
    [swapped[3], swapped[6]] = [swapped[6]!, swapped[3]!];
    const late = feed([{ type: 'run/created', run: header() }, ...asMessages(swapped)]);
    expect(visible(late.runs['run-1']!)).toEqual(visible(tree));
  });

  it('keeps unchanged tool cards and agents identical while text streams', () => {
    const partial = new RunScript().started().turn(1).call('c1', 'Read', 'Read a.py').result('c1', 'x').text('Thinking');
    const before = feed([{ type: 'run/created', run: header() }, ...asMessages(partial.events)]);
    const after = feed(asMessages([{ seq: partial.events.length, type: 'text/delta', runId: 'run-1', turn: 1, text: ' more' }]), before);
    expect(after.runs['run-1']!.tools.c1).toBe(before.runs['run-1']!.tools.c1);
    expect(rootAgent(after.runs['run-1']!)!.items[0]).toBe(rootAgent(before.runs['run-1']!)!.items[0]);
    expect(rootAgent(after.runs['run-1']!)!.items[1]).toEqual({ kind: 'text', id: 'run-1:4', turn: 1, text: 'Thinking more' });
  });

  it('restores the same run from a snapshot, then merges late and duplicate events', () => {
    const cut = 12;
    const restored = feed([
      snapshot({ runs: [{ ...header(), events: script.events.slice(0, cut) }], activeRunId: 'run-1' }),
      // The stream resumes with some events the snapshot already held.
      ...asMessages(script.events.slice(cut - 3)),
    ]);
    expect(visible(restored.runs['run-1']!)).toEqual(visible(tree));
    expect(restored.activeRunId).toBeUndefined();
  });

  it('does not announce a run that was already finished in a snapshot', () => {
    const restored = feed([snapshot({ runs: [{ ...header(), events: script.events }], activeRunId: 'run-1' })]);
    expect(restored.finishedRunId).toBeUndefined();
    expect(restored.activeRunId).toBeUndefined();
  });

  it('ignores events of another session and builds a run whose run/created was missed', () => {
    const other = feed([{ type: 'run/event', runId: 'run-9', sessionId: 'session-2', event: script.events[0]! }]);
    expect(other.runs['run-9']).toBeUndefined();
    const missed = feed(asMessages(script.events.slice(0, 3)));
    expect(missed.runOrder).toEqual(['run-1']);
    expect(missed.runs['run-1']!.header.question).toBe('How is the app configured?');
  });

  it('lists history newest first', () => {
    const view = feed([
      {
        type: 'history/list',
        entries: [
          { runId: 'a', sessionId: 's', question: 'old', createdAt: 1 },
          { runId: 'b', sessionId: 's', question: 'new', createdAt: 3 },
          { runId: 'c', sessionId: 's', question: 'middle', createdAt: 2 },
        ],
      },
    ]);
    expect(view.history.map((entry) => entry.question)).toEqual(['new', 'middle', 'old']);
  });

  it('applies a batch like its messages one by one', () => {
    const messages = [{ type: 'run/created', run: header() } as const, ...asMessages(script.events)];
    expect(visible(feed([{ type: 'batch', messages }]).runs['run-1']!)).toEqual(visible(tree));
  });
});
