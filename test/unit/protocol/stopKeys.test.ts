import { describe, expect, it } from 'vitest';
import { keyPlatform, stopAnywhereLabel } from '../../../src/protocol/stopKeys';

describe('the keys that stop a question from anywhere', () => {
  it('are named as VS Code names keys on each platform', () => {
    expect(stopAnywhereLabel('linux')).toBe('Ctrl+Escape');
    expect(stopAnywhereLabel('mac')).toBe('⌘Escape');
    expect(stopAnywhereLabel('windows')).toBe('Alt+Backspace');
  });

  it('are those of the browser’s platform, the client’s in a remote window', () => {
    expect(keyPlatform('Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 Chrome/138.0 Safari/537.36')).toBe('mac');
    expect(keyPlatform('Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Code/1.139.1 Chrome/138.0 Electron/37 Safari/537.36')).toBe('windows');
    expect(keyPlatform('Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/138.0 Safari/537.36')).toBe('linux');
  });
});
