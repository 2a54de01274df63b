// @vitest-environment jsdom
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { act, cleanup, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { referenceKey } from '../../../src/protocol/fileReference';
import type { ResolvedLink } from '../../../src/protocol/webview';
import { FakeResizeObserver, renderApp } from './fakeHost';
import { asMessages, header, RunScript, snapshot, typicalRun } from './runScript';

afterEach(cleanup);

/** Each reference marked unverified: its text, and the reason it is described by. */
function unverifiedReferences(): [string | null, string | undefined][] {
  return [...document.querySelectorAll('.file-ref-missing')].map((node) => [
    node.textContent,
    document.getElementById(node.getAttribute('aria-describedby') ?? '')?.textContent?.trim(),
  ]);
}

/** Verdicts as the host keys them for references written in a RunScript run (which works in /work/repo). */
function inRun(links: Record<string, ResolvedLink>, base = '/work/repo'): Record<string, ResolvedLink> {
  return Object.fromEntries(Object.entries(links).map(([text, link]) => [referenceKey({ text, base }), link]));
}

describe('App', () => {
  it('says it is ready, then shows the snapshot it gets', async () => {
    const { host } = renderApp();
    expect(host.posted).toEqual([{ type: 'webview/ready' }]);
    await host.send(snapshot({ runs: [{ ...header(), events: typicalRun().events }] }));
    expect(screen.getByText('How is the app configured?')).toBeTruthy();
    expect(screen.getByText('Read src/server/config.py (1 line)')).toBeTruthy();
    expect(screen.getByRole('heading', { name: 'Summary' })).toBeTruthy();
    expect(screen.getByRole('group', { name: 'Run statistics' }).textContent).toContain('3 tool calls');
  });

  it('streams cards and text as events arrive and ends with the report', async () => {
    const { host } = renderApp();
    await host.send(snapshot(), { type: 'run/created', run: header() });
    const script = typicalRun();
    await host.send(...asMessages(script.events.slice(0, 4)));
    expect(screen.getByText('I will read the config first.')).toBeTruthy();
    expect(screen.getByText('Read src/server/config.py')).toBeTruthy();
    expect(screen.getByText('Working…')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Stop (Escape, or Ctrl+Escape anywhere)' })).toBeTruthy();
    await host.send(...asMessages(script.events.slice(4)));
    expect(screen.queryByText('Working…')).toBeNull();
    expect(screen.getByRole('region', { name: 'Report' })).toBeTruthy();
    // The report's own streamed text is replaced by the rendered report, not shown twice.
    expect(screen.queryByText(/## Summary/)).toBeNull();
  });

  it('says how far the model has read the prompt, then that it waits for the first token, instead of Working…, until it writes', async () => {
    const { host } = renderApp();
    await host.send(snapshot(), { type: 'run/created', run: header() });
    await host.send(...asMessages(typicalRun().events.slice(0, 2)));
    const generating = { state: 'generating', modelName: 'm.gguf', backend: 'CPU', tokensPerSecond: 0 } as const;
    await host.send({ type: 'model/status', status: { ...generating, prefill: 0.456 } });
    expect(screen.getByText('Reading the prompt · 45%')).toBeTruthy();
    expect(screen.queryByText('Working…')).toBeNull();
    await host.send({ type: 'model/status', status: generating });
    expect(screen.queryByText(/Reading the prompt/)).toBeNull();
    expect(screen.getByText('Waiting for the model’s first token')).toBeTruthy();
    await host.send(...asMessages(typicalRun().events.slice(2, 3)));
    expect(screen.queryByText(/Waiting for/)).toBeNull();
    expect(screen.getByText('Working…')).toBeTruthy();
  });

  it('stays at the end when the content grows after rendering, unless the reader scrolled up', async () => {
    const { host, container } = renderApp();
    await host.send(snapshot({ runs: [{ ...header(), events: typicalRun().events }] }));
    const conversation = container.querySelector('.conversation') as HTMLElement;
    const content = conversation.firstElementChild as HTMLElement;
    let height = 1000;
    Object.defineProperty(conversation, 'scrollHeight', { get: () => height });
    Object.defineProperty(conversation, 'clientHeight', { get: () => 400 });
    height = 1300; // e.g. links resolved and the footer moved down
    act(() => FakeResizeObserver.resize(content));
    expect(conversation.scrollTop).toBe(1300);
    // Its own scroll, reported after more content came, keeps it at the end.
    height = 1500;
    fireEvent.scroll(conversation);
    height = 1550;
    act(() => FakeResizeObserver.resize(content));
    expect(conversation.scrollTop).toBe(1550);
    conversation.scrollTop = 200;
    fireEvent.scroll(conversation);
    height = 1600;
    act(() => FakeResizeObserver.resize(content));
    expect(conversation.scrollTop).toBe(200);
  });

  it('shows generation speed with one decimal when slow and as a whole number when fast', async () => {
    const { host } = renderApp();
    const slow = new RunScript('run-1').started().turn(1).usage(1, 100, 100, 47).finished('Done.', 'done', 'run-1', 1);
    const fast = new RunScript('run-2').started().turn(1).usage(1, 100, 100, 47_900).finished('Done.', 'done', 'run-2', 1);
    await host.send(
      snapshot({
        runs: [
          { ...header(), events: slow.events },
          { ...header('run-2', 'Fast?'), events: fast.events },
        ],
      }),
    );
    const footers = screen.getAllByRole('group', { name: 'Run statistics' }).map((footer) => footer.textContent);
    expect(footers[0]).toContain('47.0 tok/s');
    expect(footers[1]).toContain('47900 tok/s');
  });

  it('nests a Task sub-agent run under its card', async () => {
    const { host } = renderApp();
    await host.send(snapshot({ runs: [{ ...header(), events: typicalRun().events }] }));
    const taskCard = screen.getByText('Task: find route handlers').closest('.tool-card') as HTMLElement;
    const nested = within(taskCard).getByRole('group', { name: 'Sub-agent run' });
    expect(within(nested).getByText('Grep "route" in src (1 match)')).toBeTruthy();
  });

  it('announces a run once when it finishes while watched, not on restore', async () => {
    const { host, container } = renderApp();
    const live = () => container.querySelector('[aria-live="polite"]')!.textContent;
    await host.send(snapshot({ runs: [{ ...header(), events: typicalRun().events }] }));
    expect(live()).toBe('');
    const next = new RunScript('run-2').started().turn(1);
    await host.send({ type: 'run/created', run: header('run-2', 'And the routes?') }, ...asMessages(next.events, 'run-2'));
    next.text('partial');
    await host.send(...asMessages(next.events.slice(-1), 'run-2'));
    expect(live()).toBe('');
    next.finished('Routes are in routes.py', 'done', 'run-2', 1);
    await host.send(...asMessages(next.events.slice(-1), 'run-2'));
    expect(live()).toBe('LocoOperator finished. The report is ready.');
  });

  it('asks with Enter, keeps Shift+Enter for new lines, and stops with Escape', async () => {
    const { host } = renderApp();
    await host.send(snapshot({ scope: { kind: 'folder', path: '/w/src/server', label: 'src/server' }, thoroughness: 'quick' }));
    const box = screen.getByRole('textbox', { name: 'Question about this workspace' });
    fireEvent.change(box, { target: { value: 'What does it do?' } });
    fireEvent.keyDown(box, { key: 'Enter', shiftKey: true });
    expect(host.sent('run/start')).toEqual([]);
    fireEvent.keyDown(box, { key: 'Enter' });
    expect(host.sent('run/start')).toEqual([
      { type: 'run/start', question: 'What does it do?', scope: { kind: 'folder', path: '/w/src/server', label: 'src/server' }, thoroughness: 'quick' },
    ]);
    expect((box as HTMLTextAreaElement).value).toBe('');
    await host.send({ type: 'run/created', run: header() });
    fireEvent.change(box, { target: { value: 'And the tests?' } });
    fireEvent.keyDown(box, { key: 'Enter' });
    expect(host.sent('run/start')).toHaveLength(1);
    expect((box as HTMLTextAreaElement).value).toBe('And the tests?');
    expect(screen.getByText(/One question at a time/)).toBeTruthy();
    fireEvent.keyDown(box, { key: 'Escape' });
    expect(host.sent('run/stop')).toHaveLength(1);
    fireEvent.click(screen.getByRole('button', { name: 'Stop (Escape, or Ctrl+Escape anywhere)' }));
    expect(host.sent('run/stop')).toHaveLength(2);
  });

  it('tells the host when a question starts being typed, once per question, so that the model can load meanwhile', async () => {
    const { host } = renderApp();
    await host.send(snapshot());
    const box = screen.getByRole('textbox', { name: 'Question about this workspace' });
    fireEvent.change(box, { target: { value: '   ' } });
    expect(host.sent('model/warm')).toEqual([]);
    fireEvent.change(box, { target: { value: 'W' } });
    fireEvent.change(box, { target: { value: 'Wh' } });
    fireEvent.change(box, { target: { value: 'Where' } });
    expect(host.sent('model/warm')).toEqual([{ type: 'model/warm' }]);
    fireEvent.keyDown(box, { key: 'Enter' });
    fireEvent.change(box, { target: { value: 'A' } });
    expect(host.sent('model/warm')).toHaveLength(2);
  });

  it('removes the scope chip and changes thoroughness, telling the host', async () => {
    const { host } = renderApp();
    await host.send(snapshot(), { type: 'scope/set', scope: { kind: 'file', path: '/w/src/app.py', label: 'app.py' } });
    fireEvent.click(screen.getByRole('button', { name: 'Remove scope app.py' }));
    expect(screen.getByText('Whole workspace')).toBeTruthy();
    fireEvent.change(screen.getByRole('combobox', { name: 'Thoroughness' }), { target: { value: 'veryThorough' } });
    expect(host.posted.slice(1)).toEqual([{ type: 'scope/clear' }, { type: 'thoroughness/set', thoroughness: 'veryThorough' }]);
  });

  it('keeps the question being typed across a hide and show of the view', async () => {
    const first = renderApp();
    fireEvent.change(screen.getByRole('textbox', { name: 'Question about this workspace' }), { target: { value: 'Where is the CLI' } });
    first.unmount();
    renderApp(first.host);
    expect((screen.getByRole('textbox', { name: 'Question about this workspace' }) as HTMLTextAreaElement).value).toBe('Where is the CLI');
  });

  it('gives the focus to the question box when the view is focused (Focus on Ask View), not when a click focuses it', async () => {
    const { host } = renderApp();
    await host.send(snapshot({ runs: [{ ...header(), events: typicalRun().events }] }));
    const box = screen.getByRole('textbox', { name: 'Question about this workspace' });
    expect(document.activeElement).toBe(document.body);
    fireEvent.focus(window);
    expect(document.activeElement).toBe(box);

    // A click on the report, to select its text, leaves the focus where the click put it.
    box.blur();
    fireEvent.blur(window);
    fireEvent.pointerDown(screen.getByRole('region', { name: 'Report' }));
    fireEvent.focus(window);
    fireEvent.pointerUp(screen.getByRole('region', { name: 'Report' }));
    expect(document.activeElement).toBe(document.body);

    // The focus that comes back to a control of the view stays on it.
    const newSession = screen.getByRole('button', { name: 'New Session' });
    newSession.focus();
    fireEvent.blur(window);
    fireEvent.focus(window);
    expect(document.activeElement).toBe(newSession);
  });

  it('gives the focus to the question box when the view was focused while it loaded', async () => {
    const hasFocus = vi.spyOn(document, 'hasFocus').mockReturnValue(true);
    try {
      renderApp();
      expect(document.activeElement).toBe(screen.getByRole('textbox', { name: 'Question about this workspace' }));
    } finally {
      hasFocus.mockRestore();
    }
  });

  it('focuses the question box when the host asks while the view has the focus, and not once the user is elsewhere', async () => {
    const hasFocus = vi.spyOn(document, 'hasFocus').mockReturnValue(false);
    try {
      const { host } = renderApp();
      const box = screen.getByRole('textbox', { name: 'Question about this workspace' });
      await host.send(snapshot(), { type: 'ui/focusInput' });
      expect(document.activeElement).not.toBe(box);
      hasFocus.mockReturnValue(true);
      await host.send({ type: 'ui/focusInput' });
      expect(document.activeElement).toBe(box);
    } finally {
      hasFocus.mockRestore();
    }
  });

  it('links only references the host verified, marks invented ones, and opens files', async () => {
    const { host } = renderApp();
    const run = new RunScript().started().turn(1).finished('See `src/server/config.py:1` and `src/ghost.py:9`, or Node.js.', 'done', 'run-1', 1);
    await host.send(snapshot({ runs: [{ ...header(), events: run.events }] }));
    expect(host.sent('links/verify').flatMap((message) => message.refs.map((ref) => ref.text))).toEqual([
      'src/server/config.py:1',
      'src/ghost.py:9',
      'Node.js',
    ]);
    expect(screen.queryByRole('button', { name: 'src/server/config.py:1' })).toBeNull();
    await host.send({
      type: 'links/resolved',
      links: inRun({
        'src/server/config.py:1': { exists: true, path: '/w/src/server/config.py', line: 1 },
        'src/ghost.py:9': { exists: false },
        'Node.js': { exists: false },
      }),
    });
    fireEvent.click(screen.getByRole('button', { name: 'src/server/config.py:1' }));
    expect(host.sent('file/open')).toEqual([{ type: 'file/open', path: '/w/src/server/config.py', line: 1, endLine: undefined }]);
    expect(screen.getByText('src/ghost.py:9').closest('.file-ref-missing')).toBeTruthy();
    expect(screen.getByText(/Node\.js/).closest('.file-ref-missing')).toBeNull();
  });

  it('shows unverified references by their short label and says why each is not linked', async () => {
    const { host } = renderApp();
    const text = 'See /w/src/server/routes.py:99, /w/src/auth.py:1 and ~/.config/app/settings.toml:2.';
    const run = new RunScript().started().turn(1).finished(text, 'done', 'run-1', 1);
    await host.send(snapshot({ runs: [{ ...header(), events: run.events }] }));
    await host.send({
      type: 'links/resolved',
      links: inRun({
        '/w/src/server/routes.py:99': { exists: false, reason: 'pastEnd', path: '/w/src/server/routes.py', line: 99, lineCount: 38, label: 'src/server/routes.py:99' },
        '/w/src/auth.py:1': { exists: false, reason: 'notFound', label: 'src/auth.py:1' },
        '~/.config/app/settings.toml:2': { exists: false, reason: 'outsideWorkspace' },
      }),
    });
    const marked = unverifiedReferences();
    expect(marked).toEqual([
      ['src/server/routes.py:99', '(not linked: Line 99 is past the end of /w/src/server/routes.py, which has 38 lines)'],
      ['src/auth.py:1', '(not linked: No file /w/src/auth.py in this workspace)'],
      ['~/.config/app/settings.toml:2', '(not linked: ~/.config/app/settings.toml is outside the workspace; only files in the workspace are linked)'],
    ]);
    // The mouse's tooltip says the same.
    expect(screen.getByText('src/auth.py:1').closest('[title]')?.getAttribute('title')).toBe('No file /w/src/auth.py in this workspace');
  });

  it('puts each unverified reference in the Tab order, its reason shown beside it while focused', async () => {
    const { host } = renderApp();
    const run = new RunScript().started().turn(1).finished('Loaded in `src/loader.py:40` and src/ghost.py:2, then src/app.py:1.', 'done', 'run-1', 1);
    await host.send(snapshot({ runs: [{ ...header(), events: run.events }] }));
    await host.send({
      type: 'links/resolved',
      links: inRun({
        'src/loader.py:40': { exists: false, reason: 'notFound' },
        'src/ghost.py:2': { exists: false, reason: 'notFound' },
        'src/app.py:1': { exists: true, path: '/w/src/app.py', line: 1 },
      }),
    });
    const marked = [...document.querySelectorAll<HTMLElement>('.file-ref-missing')];
    expect(marked.map((node) => node.tabIndex)).toEqual([0, 0]);
    const reasons = marked.map((node) => document.getElementById(node.getAttribute('aria-describedby')!)!);
    expect(reasons.map((reason) => reason.textContent?.trim())).toEqual([
      '(not linked: No file src/loader.py in this workspace)',
      '(not linked: No file src/ghost.py in this workspace)',
    ]);
    // Each reason follows its reference, where the focus rule of styles.css shows it.
    expect(marked.map((node, index) => node.nextElementSibling === reasons[index])).toEqual([true, true]);
    const css = readFileSync(path.resolve(__dirname, '../../../webview/src/styles.css'), 'utf8');
    const shown = /\.file-ref-missing:focus \+ \.file-ref-why\s*\{([^}]*)\}/.exec(css)?.[1] ?? '';
    expect(shown).toMatch(/position:\s*static/);
    expect(shown).toMatch(/clip:\s*auto/);
  });

  it('keeps the reason read to screen readers out of a copied selection', async () => {
    const { host } = renderApp();
    const run = new RunScript().started().turn(1).finished('Loaded in src/loader.py:40 here.', 'done', 'run-1', 1);
    await host.send(snapshot({ runs: [{ ...header(), events: run.events }] }));
    await host.send({ type: 'links/resolved', links: inRun({ 'src/loader.py:40': { exists: false, reason: 'notFound' } }) });
    const reason = screen.getByText(/not linked: No file src\/loader\.py in this workspace/);
    // What the user sees is what a selection copies: the reason is not selectable (styles.css).
    expect(reason.classList.contains('not-copied')).toBe(true);
    const css = readFileSync(path.resolve(__dirname, '../../../webview/src/styles.css'), 'utf8');
    expect(/\.not-copied\s*\{[^}]*\buser-select:\s*none/.test(css)).toBe(true);
  });

  it('names a folder mentioned as such, and marks a folder given a line and lines no file has', async () => {
    const { host } = renderApp();
    const run = new RunScript().started().turn(1).finished('The code is in lib/ (see lib:1, lib/app.js:0 and lib/app.js:56-36).', 'done', 'run-1', 1);
    await host.send(snapshot({ runs: [{ ...header(), events: run.events }] }));
    await host.send({
      type: 'links/resolved',
      links: inRun({
        'lib/': { exists: false, reason: 'folder', path: '/w/lib', label: 'lib/' },
        'lib:1': { exists: false, reason: 'folder', path: '/w/lib', line: 1 },
        'lib/app.js:0': { exists: false, reason: 'lineZero', path: '/w/lib/app.js' },
        'lib/app.js:56-36': { exists: false, reason: 'reversedRange', path: '/w/lib/app.js', line: 56, endLine: 36 },
      }),
    });
    expect(screen.getByText('lib/').getAttribute('title')).toBe('/w/lib is a folder');
    expect(screen.getByText('lib/').closest('.file-ref-missing')).toBeNull();
    const marked = unverifiedReferences();
    expect(marked).toEqual([
      ['lib:1', '(not linked: /w/lib is a folder, not a file: a line number needs a file)'],
      ['lib/app.js:0', '(not linked: Line 0 is not a line of /w/lib/app.js: lines count from 1)'],
      ['lib/app.js:56-36', '(not linked: The range 56-36 of /w/lib/app.js ends before it starts)'],
    ]);
  });

  it('shows an absolute reference by the workspace-relative label the host gives it', async () => {
    const { host } = renderApp();
    const run = new RunScript().started().turn(1).finished('See `/w/src/server/config.py:1`.', 'done', 'run-1', 1);
    await host.send(snapshot({ runs: [{ ...header(), events: run.events }] }));
    await host.send({
      type: 'links/resolved',
      links: inRun({ '/w/src/server/config.py:1': { exists: true, path: '/w/src/server/config.py', line: 1, label: 'src/server/config.py:1' } }),
    });
    const link = screen.getByRole('button', { name: 'src/server/config.py:1' });
    expect(link.getAttribute('title')).toBe('Open /w/src/server/config.py:1');
  });

  it('says in the tooltip which root an ambiguous reference was taken from', async () => {
    const { host } = renderApp();
    const run = new RunScript().started().turn(1).finished('See `src/cart.ts:11`.', 'done', 'run-1', 1);
    await host.send(snapshot({ runs: [{ ...header(), events: run.events }] }));
    await host.send({
      type: 'links/resolved',
      links: inRun({ 'src/cart.ts:11': { exists: true, path: '/a/src/cart.ts', line: 11, root: 'a', alsoIn: ['ws-b'], label: 'a/src/cart.ts:11' } }),
    });
    const link = screen.getByRole('button', { name: 'a/src/cart.ts:11' });
    expect(link.getAttribute('title')).toBe('Open /a/src/cart.ts:11 (from a; also in ws-b)');
  });

  it('asks about a relative reference in each folder a run worked in, and links each run to its own file', async () => {
    const { host } = renderApp();
    const first = new RunScript().started().turn(1).finished('See README.md:1.', 'done', 'run-1', 1);
    const second = new RunScript('run-2').started().turn(1).finished('See README.md:1.', 'done', 'run-2', 1);
    const elsewhere = second.events.map((event) => (event.type === 'run/started' ? { ...event, cwd: '/work/ws-b' } : event));
    await host.send(snapshot({ runs: [{ ...header(), events: first.events }, { ...header('run-2', 'Explain ws-b'), events: elsewhere }] }));
    expect(host.sent('links/verify').flatMap((message) => message.refs.map((ref) => [ref.text, ref.base]))).toEqual([
      ['README.md:1', '/work/repo'],
      ['README.md:1', '/work/ws-b'],
    ]);
    await host.send({
      type: 'links/resolved',
      links: {
        ...inRun({ 'README.md:1': { exists: true, path: '/work/repo/README.md', line: 1 } }),
        ...inRun({ 'README.md:1': { exists: true, path: '/work/ws-b/README.md', line: 1 } }, '/work/ws-b'),
      },
    });
    expect(screen.getAllByRole('button', { name: 'README.md:1' }).map((link) => link.getAttribute('title'))).toEqual([
      'Open /work/repo/README.md:1',
      'Open /work/ws-b/README.md:1',
    ]);
  });

  it('asks again about references after a snapshot from a host that may have forgotten', async () => {
    const { host } = renderApp();
    const run = new RunScript().started().turn(1).finished('See src/app.py:3.', 'done', 'run-1', 1);
    await host.send(snapshot({ runs: [{ ...header(), events: run.events }] }));
    await host.send(snapshot({ runs: [{ ...header(), events: run.events }] }));
    expect(host.sent('links/verify')).toHaveLength(2);
  });

  it('offers the model download or a file, and shows download progress', async () => {
    const { host } = renderApp();
    await host.send(snapshot({ model: { state: 'notDownloaded', offer: 'LocoOperator-4B (Q4_K_M, 2.3 GB)' } }));
    fireEvent.click(screen.getByRole('button', { name: 'Download LocoOperator-4B (Q4_K_M, 2.3 GB)' }));
    fireEvent.click(screen.getByRole('button', { name: 'Use a GGUF file I have…' }));
    expect(host.posted.slice(1)).toEqual([{ type: 'model/download' }, { type: 'model/selectFile' }]);
    await host.send({
      type: 'model/status',
      status: { state: 'downloading', receivedBytes: 1_150_000_000, totalBytes: 2_300_000_000, bytesPerSecond: 25_000_000, etaSeconds: 46 },
    });
    expect(screen.getByRole('progressbar', { name: 'Model download' }).getAttribute('aria-valuenow')).toBe('50');
    expect(screen.getByText('1.15 GB of 2.30 GB · 25.0 MB/s · 46 s left')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(host.sent('model/cancelDownload')).toHaveLength(1);
  });

  it('shows a model error with the actions the host offers', async () => {
    const { host } = renderApp();
    await host.send(snapshot({ model: { state: 'error', message: 'The GGUF file is not a LocoOperator model.', actions: ['selectFile', 'showLog'] } }));
    expect(screen.getByRole('alert').textContent).toContain('The GGUF file is not a LocoOperator model.');
    fireEvent.click(screen.getByRole('button', { name: 'Show Log' }));
    expect(host.sent('log/show')).toHaveLength(1);
  });

  it('lists history newest first, reopens and deletes entries', async () => {
    const { host } = renderApp();
    await host.send(
      snapshot({
        history: [
          { runId: 'old', sessionId: 's0', question: 'Where is auth?', createdAt: 1_600_000_000_000, reason: 'done', toolCalls: 4 },
          { runId: 'new', sessionId: 's1', question: 'What is the CLI?', createdAt: 1_700_000_000_000, reason: 'cancelled' },
        ],
      }),
    );
    const list = screen.getByRole('list', { name: 'History' });
    expect([...list.querySelectorAll('.history-question')].map((item) => item.textContent)).toEqual(['What is the CLI?', 'Where is auth?']);
    fireEvent.click(screen.getByText('Where is auth?'));
    fireEvent.click(screen.getByRole('button', { name: 'Delete “What is the CLI?” from history' }));
    expect(host.posted.slice(1)).toEqual([
      { type: 'history/open', runId: 'old' },
      { type: 'history/delete', runId: 'new' },
    ]);
  });

  it('shows a run cut off by a reload as interrupted in the history, and one still going as neither', async () => {
    const { host } = renderApp();
    await host.send(
      snapshot({
        history: [
          { runId: 'going', sessionId: 's1', question: 'What is going on?', createdAt: 1_700_000_000_000 },
          { runId: 'cut', sessionId: 's0', question: 'Where is auth?', createdAt: 1_600_000_000_000, interrupted: true },
        ],
      }),
    );
    const [going, cut] = screen.getAllByRole('listitem');
    expect(cut!.querySelector('.codicon')!.className).toBe('codicon codicon-debug-disconnect');
    expect(cut!.querySelector('.history-open')!.textContent).toContain(', interrupted');
    expect(going!.querySelector('.codicon')!.className).toBe('codicon codicon-history');
    expect(going!.querySelector('.history-open')!.textContent).not.toContain('interrupted');
  });

  it('says when a past session is shown, offers the way back, and asks a new question rather than a follow-up', async () => {
    const { host } = renderApp();
    await host.send(snapshot({ runs: [{ ...header(), events: typicalRun().events }] }));
    const box = () => screen.getByRole('textbox', { name: 'Question about this workspace' }) as HTMLTextAreaElement;
    expect(box().placeholder).toBe('Ask a follow-up…');
    expect(screen.queryByText(/Viewing a past session/)).toBeNull();
    await host.send(snapshot({ sessionId: 'session-0', pastSession: true, runs: [{ ...header(), sessionId: 'session-0', events: typicalRun().events }] }));
    expect(screen.getByText(/Viewing a past session/)).toBeTruthy();
    expect(box().placeholder).toBe('Ask a new question…');
    fireEvent.click(screen.getByRole('button', { name: 'Back to current session' }));
    expect(host.sent('session/showCurrent')).toHaveLength(1);
    await host.send(snapshot({ runs: [{ ...header(), events: typicalRun().events }] }));
    expect(screen.queryByText(/Viewing a past session/)).toBeNull();
    expect(box().placeholder).toBe('Ask a follow-up…');
  });

  it('says in one line what Restricted Mode limits, offers to trust the folder, and drops the line once it is trusted', async () => {
    const { host } = renderApp();
    await host.send(snapshot({ untrusted: true }));
    expect(screen.getByText(/Restricted Mode: git is off and this folder's LocoOperator settings are ignored/)).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Trust Folder…' }));
    expect(host.sent('workspace/manageTrust')).toHaveLength(1);
    await host.send(snapshot());
    expect(screen.queryByText(/Restricted Mode/)).toBeNull();
    expect(screen.queryByRole('button', { name: 'Trust Folder…' })).toBeNull();
  });

  it('shows a host notice until dismissed', async () => {
    const { host } = renderApp();
    await host.send(snapshot(), { type: 'ui/notice', level: 'warning', message: 'A question is already running.' });
    expect(screen.getByRole('status').textContent).toContain('A question is already running.');
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Dismiss' })));
    expect(screen.queryByText('A question is already running.')).toBeNull();
  });

  it.each([
    ['cancelled', undefined, 'Stopped.'],
    ['max_turns', 'Partial findings', 'Reached the turn limit (2 turns)'],
    ['done', undefined, 'The model finished without writing a report.'],
  ] as const)('says how a %s run ended', async (reason, report, words) => {
    const { host } = renderApp();
    const run = new RunScript().started().turn(1).finished(report, reason);
    await host.send(snapshot({ runs: [{ ...header(), events: run.events }] }));
    expect(screen.getByText(new RegExp(words.replace(/[().]/g, '\\$&')))).toBeTruthy();
    expect(screen.queryByRole('region', { name: 'Report' }) !== null).toBe(report !== undefined);
  });

  it('shows a failed run with its error and a way to the log', async () => {
    const { host } = renderApp();
    const run = new RunScript().started().turn(1);
    run.events.push({ seq: run.events.length, type: 'run/finished', runId: 'run-1', reason: 'error', error: 'The model host exited (code 134).', turns: 1, toolCalls: 0, durationMs: 900 });
    await host.send(snapshot({ runs: [{ ...header(), events: run.events }] }));
    expect(screen.getByRole('alert').textContent).toContain('The model host exited (code 134).');
    fireEvent.click(screen.getByRole('button', { name: 'Show Log' }));
    expect(host.sent('log/show')).toHaveLength(1);
  });

  it('posts report actions for its run', async () => {
    const { host } = renderApp();
    await host.send(snapshot({ runs: [{ ...header(), events: typicalRun().events }] }));
    fireEvent.click(screen.getByRole('button', { name: 'Copy' }));
    fireEvent.click(screen.getByRole('button', { name: 'Save…' }));
    fireEvent.click(screen.getByRole('button', { name: 'Open in Editor' }));
    expect(host.posted.filter((message) => message.type.startsWith('report/'))).toEqual([
      { type: 'report/copy', runId: 'run-1' },
      { type: 'report/save', runId: 'run-1' },
      { type: 'report/openInEditor', runId: 'run-1' },
    ]);
  });
});
