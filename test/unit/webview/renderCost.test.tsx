// @vitest-environment jsdom
import { cleanup, fireEvent, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { renderApp } from './fakeHost';
import { asMessages, header, RunScript, snapshot } from './runScript';

// Every ToolCard render asks for its icon: counting the calls counts the card renders.
const iconCalls = vi.hoisted(() => ({ count: 0 }));
vi.mock('../../../webview/src/components/toolIcons', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../../webview/src/components/toolIcons')>();
  return {
    toolIcon: (name: string | undefined) => {
      iconCalls.count += 1;
      return original.toolIcon(name);
    },
  };
});

afterEach(cleanup);

describe('a long run', () => {
  it('re-renders no tool card while text streams, and only the card whose result arrives', async () => {
    const script = new RunScript().started().turn(1);
    for (let index = 0; index < 300; index += 1) script.call(`c${index}`, 'Read', `Read src/m${index}.py`).result(`c${index}`, 'x');
    script.turn(2).call('last', 'Grep', 'Grep "x" in src');
    const { host } = renderApp();
    await host.send(snapshot(), { type: 'run/created', run: header() }, ...asMessages(script.events));
    expect(document.querySelectorAll('.tool-card')).toHaveLength(301);

    iconCalls.count = 0;
    script.text('Now I will summarise', 2).text(' what I found.', 2);
    await host.send(...asMessages(script.events.slice(-2)));
    expect(screen.getByText('Now I will summarise what I found.')).toBeTruthy();
    expect(iconCalls.count).toBe(0);

    script.result('last', 'src/a.py:1:x');
    await host.send(...asMessages(script.events.slice(-1)));
    // StrictMode is off in tests; one card, rendered once.
    expect(iconCalls.count).toBe(1);
  });

  it('renders a card body only when it is expanded', async () => {
    const script = new RunScript().started().turn(1).call('c1', 'Read', 'Read src/a.py').result('c1', 'UNIQUE OUTPUT TEXT');
    const { host } = renderApp();
    await host.send(snapshot({ runs: [{ ...header(), events: script.events }] }));
    expect(screen.queryByText('UNIQUE OUTPUT TEXT')).toBeNull();
    fireEvent.click(screen.getByRole('button', { expanded: false }));
    expect(screen.getByText('UNIQUE OUTPUT TEXT')).toBeTruthy();
  });
});
