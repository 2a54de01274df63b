import { describe, expect, it } from 'vitest';
import { loadsAhead } from '../../../src/app/loadAhead';

describe('loading the model ahead of a question', () => {
  it('starts at the first keystroke and for another agent waiting on a confirmation, by default', () => {
    expect(loadsAhead('onType', 'typing')).toBe(true);
    expect(loadsAhead('onType', 'agentCall')).toBe(true);
    expect(loadsAhead('onType', 'viewOpened')).toBe(false);
  });

  it('starts when the view opens only with onOpen, and never ahead with onAsk', () => {
    expect(['typing', 'agentCall', 'viewOpened'].map((trigger) => loadsAhead('onOpen', trigger as never))).toEqual([true, true, true]);
    expect(['typing', 'agentCall', 'viewOpened'].map((trigger) => loadsAhead('onAsk', trigger as never))).toEqual([false, false, false]);
  });
});
