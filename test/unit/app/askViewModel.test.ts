import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AskViewModel } from '../../../src/app/askViewModel';
import { referenceKey } from '../../../src/protocol/fileReference';
import type { HistoryStore } from '../../../src/app/historyStore';
import type { ControllerEvent, RunController } from '../../../src/app/runController';
import type { HistoryEntry, HostToWebview, RunRecord, Thoroughness } from '../../../src/protocol/webview';

/** The Ask view's state, driven without an editor: a fake controller and history, the messages it posts. */
function setup(stored?: Thoroughness, roots = ['/w'], trust = { trusted: true }, listed: { history?: HistoryEntry[]; activeRunId?: string } = {}) {
  const posted: HostToWebview[] = [];
  const saved: Thoroughness[] = [];
  const liveRuns: RunRecord[] = [];
  const pastRun: RunRecord = { runId: 'old', sessionId: 'past', question: 'Old question', scope: { kind: 'workspace' }, thoroughness: 'quick', createdAt: 1, events: [] };
  const deleted: string[] = [];
  const controller = { sessionId: 'live', activeRunId: listed.activeRunId, runs: liveRuns } as unknown as RunController;
  const history = {
    list: () => listed.history ?? [],
    delete: async (runId: string) => void deleted.push(runId),
  } as unknown as HistoryStore;
  const model = new AskViewModel({
    controller,
    history,
    modelStatus: () => ({ state: 'ready', modelName: 'LocoOperator-4B', backend: 'CPU' }) as never,
    roots: () => roots,
    trusted: () => trust.trusted,
    thoroughness: { load: () => stored, save: async (value) => void saved.push(value) },
    post: (message) => posted.push(message),
  });
  return { model, posted, saved, pastRun, deleted };
}

const liveEvent: ControllerEvent = {
  type: 'run/event',
  runId: 'r1',
  sessionId: 'live',
  event: { type: 'turn/started', runId: 'r1', seq: 1, turn: 1 },
};

describe('AskViewModel', () => {
  it('verifies a relative reference in the folder its run worked in, once for each such folder', async () => {
    const parent = await mkdtemp(path.join(tmpdir(), 'loco-bases-'));
    try {
      const [first, second] = [path.join(parent, 'ws-a'), path.join(parent, 'ws-b')];
      for (const root of [first, second]) {
        await mkdir(root);
        await writeFile(path.join(root, 'README.md'), '# readme\n');
      }
      const { model, posted } = setup(undefined, [first, second]);
      const readme = { text: 'README.md:1', path: 'README.md', line: 1 };
      await model.verifyLinks([
        { ...readme, base: second },
        { ...readme, base: first },
      ]);
      const links = posted.flatMap((message) => (message.type === 'links/resolved' ? [message.links] : []))[0];
      expect(links?.[referenceKey({ ...readme, base: second })]).toMatchObject({ exists: true, path: path.join(second, 'README.md'), root: 'ws-b' });
      expect(links?.[referenceKey({ ...readme, base: first })]).toMatchObject({ exists: true, path: path.join(first, 'README.md'), root: 'ws-a' });
    } finally {
      await rm(parent, { recursive: true, force: true });
    }
  });

  it('names the workspace folders in its snapshot by their labels, two folders of one name told apart', () => {
    const { model } = setup(undefined, ['/w/client/app', '/w/server/app', '/w/lib']);
    expect(model.snapshot().roots).toEqual([
      { path: '/w/client/app', label: 'app (client)' },
      { path: '/w/server/app', label: 'app (server)' },
      { path: '/w/lib', label: 'lib' },
    ]);
  });

  it('says in its snapshot while the workspace is not trusted, and no longer once it is', () => {
    const trust = { trusted: false };
    const { model } = setup(undefined, ['/w'], trust);
    expect(model.snapshot().untrusted).toBe(true);
    trust.trusted = true;
    expect(model.snapshot()).not.toHaveProperty('untrusted');
  });

  it('marks a stored run without an end as interrupted unless it is the one going now', () => {
    const entry = (runId: string, reason?: 'done') => ({ runId, sessionId: 's', question: runId, createdAt: 1, ...(reason ? { reason } : {}) });
    const { model } = setup(undefined, ['/w'], { trusted: true }, { history: [entry('going'), entry('cut-off'), entry('finished', 'done')], activeRunId: 'going' });
    expect(model.snapshot().history).toEqual([entry('going'), { ...entry('cut-off'), interrupted: true }, entry('finished', 'done')]);
  });

  it('starts from the stored thoroughness and saves a new one', async () => {
    const { model, saved } = setup('veryThorough');
    expect(model.thoroughness).toBe('veryThorough');
    await model.setThoroughness('quick');
    expect(model.thoroughness).toBe('quick');
    expect(saved).toEqual(['quick']);
    expect(setup().model.thoroughness).toBe('medium');
  });

  it('streams the live session, and stops streaming into a past session opened from history', () => {
    const { model, posted, pastRun } = setup();
    model.onControllerEvent(liveEvent);
    expect(posted.map((message) => message.type)).toEqual(['run/event']);
    model.showPastSession('past', [pastRun]);
    expect(posted.at(-1)).toMatchObject({ type: 'state/snapshot', state: { sessionId: 'past', pastSession: true, runs: [{ runId: 'old' }] } });
    posted.length = 0;
    model.onControllerEvent(liveEvent);
    expect(posted).toEqual([]);
    // A new run brings the live session back.
    model.onControllerEvent({ type: 'run/created', run: { runId: 'r2', sessionId: 'live', question: 'Q', scope: { kind: 'workspace' }, thoroughness: 'medium', createdAt: 2 } });
    expect(posted).toEqual([expect.objectContaining({ type: 'state/snapshot', state: expect.objectContaining({ sessionId: 'live' }) })]);
    expect(model.showsPastSession).toBe(false);
  });

  it('goes back to the live session when the last run of a past session is deleted', async () => {
    const { model, posted, pastRun, deleted } = setup();
    model.showPastSession('past', [pastRun]);
    await model.deleteHistoryEntry('old');
    expect(deleted).toEqual(['old']);
    expect(model.showsPastSession).toBe(false);
    expect(posted.at(-1)).toMatchObject({ type: 'state/snapshot', state: { sessionId: 'live' } });
  });

  it('after New Session asks about the whole workspace again', () => {
    const { model, posted } = setup();
    model.setScope({ kind: 'folder', path: '/w/src', label: 'src' });
    expect(posted.at(-1)).toEqual({ type: 'scope/set', scope: { kind: 'folder', path: '/w/src', label: 'src' } });
    model.startOver();
    expect(model.scope).toEqual({ kind: 'workspace' });
    expect(posted.at(-1)).toMatchObject({ type: 'state/snapshot', state: { scope: { kind: 'workspace' } } });
  });
});
