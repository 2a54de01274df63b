import { describe, expect, it } from 'vitest';
import type { ControllerEvent } from '../../../src/app/runController';
import { STOP_ANYWHERE_KEYS } from '../../../src/protocol/stopKeys';
import { followRunning, RUNNING_CONTEXT_KEY } from '../../../src/vscode/runningContext';
import pkg from '../../../package.json';

/** A controller stand-in: says whether it runs, and tells its listeners what happens. */
function fakeController(running: boolean) {
  const listeners = new Set<(event: ControllerEvent) => void>();
  return {
    isRunning: running,
    onEvent(listener: (event: ControllerEvent) => void) {
      listeners.add(listener);
      return { dispose: () => listeners.delete(listener) };
    },
    emit(event: ControllerEvent) {
      for (const listener of listeners) listener(event);
    },
  };
}

describe('the running context key', () => {
  it('says at once whether a question runs, then follows each start and end', () => {
    const controller = fakeController(true);
    const set: [string, boolean][] = [];
    followRunning(controller, (key, value) => set.push([key, value]));
    controller.emit({ type: 'running', running: false });
    controller.emit({ type: 'notice', level: 'warning', message: 'busy' });
    controller.emit({ type: 'run/ended', runId: 'r', reason: 'done' });
    controller.emit({ type: 'running', running: true });
    expect(set).toEqual([
      [RUNNING_CONTEXT_KEY, true],
      [RUNNING_CONTEXT_KEY, false],
      [RUNNING_CONTEXT_KEY, true],
    ]);
  });

  it('stops following once disposed', () => {
    const controller = fakeController(false);
    const set: boolean[] = [];
    followRunning(controller, (_key, value) => set.push(value)).dispose();
    controller.emit({ type: 'running', running: true });
    expect(set).toEqual([false]);
  });
});

describe('the Stop keybinding', () => {
  const bindings = pkg.contributes.keybindings.filter((binding) => binding.command === 'locooperator.stop');

  it('binds the keys the view names on its Stop button, only while a question runs', () => {
    expect(bindings).toEqual([{ command: 'locooperator.stop', ...STOP_ANYWHERE_KEYS, when: RUNNING_CONTEXT_KEY }]);
  });

  it('takes no key that the editor or the workbench uses alone (Escape, Backspace)', () => {
    for (const keys of [STOP_ANYWHERE_KEYS.key, STOP_ANYWHERE_KEYS.mac, STOP_ANYWHERE_KEYS.win]) expect(keys).toMatch(/^(ctrl|cmd|alt)\+/);
  });

  it('enables the Stop command and its menu items by the key the extension sets', () => {
    const stop = pkg.contributes.commands.find((command) => command.command === 'locooperator.stop');
    expect(stop?.enablement).toBe(RUNNING_CONTEXT_KEY);
    const menuItems = Object.values(pkg.contributes.menus)
      .flat()
      .filter((item) => item.command === 'locooperator.stop');
    expect(menuItems.length).toBeGreaterThan(0);
    for (const item of menuItems) expect(item.when).toContain(RUNNING_CONTEXT_KEY);
  });
});
