// @vitest-environment jsdom
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ModelStatus } from '../../../src/protocol/webview';
import { renderApp } from './fakeHost';
import { asMessages, header, RunScript, snapshot } from './runScript';

/**
 * A question's life in the view: shown at once, saying what it waits for and how long, ended
 * with one message and Retry when it fails, and marked when a window reload cut it off.
 */

afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

const question = () => screen.getByRole('article', { name: 'Question: How is the app configured?' });
const refusal = 'Could not connect to the llama-server at http://127.0.0.1:9: connection refused.';

function failedRun(error: string) {
  const run = new RunScript();
  run.events.push({ seq: 0, type: 'run/finished', runId: 'run-1', reason: 'error', error, turns: 0, toolCalls: 0, durationMs: 30 });
  return run;
}

describe('A question in the view', () => {
  it('is a run at once when no model is there yet, says it waits for one and for how long, once a second, with Stop in the composer', async () => {
    // Only the clock is faked (the view's frames and its one-second tick are real): the run was asked at 1_700_000_000_000.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(1_700_000_000_000);
    const { host } = renderApp();
    const noModel: ModelStatus = { state: 'notDownloaded', offer: 'LocoOperator-4B (Q4_K_M, 2.3 GB)' };
    await host.send(snapshot({ model: noModel }), { type: 'run/created', run: header() });
    const wait = within(question()).getByText(/^Waiting for a model: download it or choose a GGUF file above/).parentElement!;
    expect(wait.textContent).toContain('0 s');
    // The panel above offers the download; the run does not repeat its buttons.
    expect(screen.getByRole('region', { name: 'Model needed' })).toBeTruthy();
    vi.setSystemTime(1_700_000_012_400);
    await waitFor(() => expect(wait.textContent).toContain('12 s'), { timeout: 3000 });
    fireEvent.click(within(screen.getByRole('textbox', { name: 'Question about this workspace' }).closest('form')!).getByRole('button', { name: /^Stop \(Escape/ }));
    expect(host.sent('run/stop')).toHaveLength(1);

    await host.send({ type: 'model/status', status: { state: 'downloading', receivedBytes: 460, totalBytes: 1000 } });
    expect(within(question()).getByText('Waiting for the model to download · 46%')).toBeTruthy();
    // A failed download leaves the question waiting, and the run points at the panel's fixes.
    await host.send({ type: 'model/status', status: { state: 'error', message: 'The download failed: connection reset.', actions: ['download', 'selectFile', 'showLog'] } });
    expect(within(question()).getByText(/^Waiting for a model: see the problem above/)).toBeTruthy();
    expect(screen.getByRole('alert', { name: 'Model problem' }).textContent).toContain('The download failed: connection reset.');
  });

  it('says in the run that the model or server is loading, not in the panel too', async () => {
    const { host } = renderApp();
    await host.send(snapshot({ model: { state: 'loading', modelName: 'llama-server at http://127.0.0.1:9' } }), { type: 'run/created', run: header() });
    expect(within(question()).getByText('Loading llama-server at http://127.0.0.1:9')).toBeTruthy();
    expect(screen.queryByRole('region', { name: 'Model loading' })).toBeNull();
    // Without a run, the panel says it.
    await host.send(snapshot({ model: { state: 'loading', modelName: 'm.gguf', progress: 0.5 } }));
    expect(screen.getByRole('region', { name: 'Model loading' }).textContent).toContain('Loading m.gguf · 50%');
  });

  it('that failed shows the error once, in the run, with Retry and the fixes the model offers', async () => {
    const { host } = renderApp();
    await host.send(
      snapshot({ runs: [{ ...header(), events: failedRun(refusal).events }], model: { state: 'error', message: refusal, actions: ['openSettings', 'showLog'] } }),
    );
    expect(screen.getAllByText(refusal, { exact: false })).toHaveLength(1);
    const alert = within(question()).getByRole('alert');
    expect(alert.textContent).toContain(`The run failed: ${refusal}`);
    expect(within(alert).getAllByRole('button').map((button) => button.textContent)).toEqual(['Retry', 'Open Settings', 'Show Log']);
    fireEvent.click(within(alert).getByRole('button', { name: 'Retry' }));
    fireEvent.click(within(alert).getByRole('button', { name: 'Open Settings' }));
    expect(host.posted.slice(1)).toEqual([{ type: 'run/retry', runId: 'run-1' }, { type: 'settings/open' }]);

    // Fixed (the model is ready): the run keeps its own message, no panel comes back.
    await host.send({ type: 'model/status', status: { state: 'ready', modelName: 'm', backend: 'llama-server' } });
    expect(within(question()).getByRole('alert').textContent).toContain(refusal);
    expect(screen.queryByRole('alert', { name: 'Model problem' })).toBeNull();
  });

  it('leaves the panel to say a model error that is not the run’s, and offers Retry only for the live session, once nothing runs', async () => {
    const { host } = renderApp();
    const other: ModelStatus = { state: 'error', message: 'The model process stopped unexpectedly.', actions: ['showLog'] };
    await host.send(snapshot({ runs: [{ ...header(), events: failedRun('context full').events }], model: other }));
    expect(screen.getByRole('alert', { name: 'Model problem' }).textContent).toContain('The model process stopped unexpectedly.');
    expect(within(question()).getAllByRole('button').map((button) => button.textContent)).toContain('Retry');

    await host.send({ type: 'run/created', run: header('run-2', 'Another question') });
    expect((within(question()).getByRole('button', { name: 'Retry' }) as HTMLButtonElement).disabled).toBe(true);

    await host.send(snapshot({ runs: [{ ...header(), events: failedRun('context full').events }], pastSession: true }));
    expect(within(question()).queryByRole('button', { name: 'Retry' })).toBeNull();
  });

  it('cut off by a window reload is marked interrupted, with the time it ran until its last event, and can be asked again', async () => {
    const { host } = renderApp();
    const run = new RunScript().started().turn(1).text('I will read');
    const startedAt = 1_700_000_000_000;
    await host.send(snapshot({ runs: [{ ...header(), events: run.events, updatedAt: startedAt + 42_000, interrupted: true }] }));
    const card = question();
    expect(within(card).getByText(/^Interrupted: the window was reloaded or closed/).textContent).toContain('Follow-up questions do not see what it found.');
    expect(within(card).getByRole('group', { name: 'Run statistics' }).textContent).toContain('42 s');
    expect(card.querySelector('.working')).toBeNull();
    fireEvent.click(within(card).getByRole('button', { name: 'Retry' }));
    expect(host.sent('run/retry')).toEqual([{ type: 'run/retry', runId: 'run-1' }]);
  });

  it('clears a notice when its question ends and on New Session', async () => {
    const { host } = renderApp();
    await host.send(snapshot(), { type: 'run/created', run: header() });
    await host.send({ type: 'ui/notice', level: 'warning', message: 'A run is in progress.' });
    expect(screen.getByText('A run is in progress.')).toBeTruthy();
    await host.send(...asMessages(new RunScript().started().finished('Done.').events));
    expect(screen.queryByText('A run is in progress.')).toBeNull();

    await host.send({ type: 'ui/notice', level: 'warning', message: 'That file is not inside the workspace.' });
    await host.send(snapshot({ sessionId: 'session-1' }));
    expect(screen.getByText('That file is not inside the workspace.')).toBeTruthy();
    await host.send(snapshot({ sessionId: 'session-2' }));
    expect(screen.queryByText('That file is not inside the workspace.')).toBeNull();
  });
});
