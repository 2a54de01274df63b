/**
 * The keys that stop a running question from anywhere in the window, as package.json binds them
 * (a unit test holds the two equal), and how the view names them on the button.
 *
 * Not Escape: an extension's keybinding outranks every built-in one, so an Escape bound while a
 * question runs would take Escape from the editor's suggest and find widgets, from selections,
 * peeks and snippets, and from other extensions (Vim). These are the keys of VS Code's own Chat
 * Cancel; Windows takes Ctrl+Escape for the Start menu, hence its own key. Escape still stops a
 * question wherever the focus is inside the view.
 */
export const STOP_ANYWHERE_KEYS = { key: 'ctrl+escape', mac: 'cmd+escape', win: 'alt+backspace' } as const;

export type KeyPlatform = 'mac' | 'windows' | 'linux';

/** The platform whose keys apply: the browser's, which is the client's in a remote window too. */
export function keyPlatform(userAgent: string): KeyPlatform {
  if (/Macintosh|Mac OS X|iPad|iPhone/.test(userAgent)) return 'mac';
  if (/Windows/.test(userAgent)) return 'windows';
  return 'linux';
}

const macModifiers: Record<string, string> = { cmd: '⌘', ctrl: '⌃', alt: '⌥', shift: '⇧' };
const names: Record<string, string> = { cmd: 'Cmd', ctrl: 'Ctrl', alt: 'Alt', shift: 'Shift', escape: 'Escape', backspace: 'Backspace' };

/** The stop keys as VS Code writes keys in its menus: `Ctrl+Escape`, `⌘Escape`. */
export function stopAnywhereLabel(platform: KeyPlatform): string {
  const binding = platform === 'mac' ? STOP_ANYWHERE_KEYS.mac : platform === 'windows' ? STOP_ANYWHERE_KEYS.win : STOP_ANYWHERE_KEYS.key;
  const parts = binding.split('+');
  if (platform === 'mac') return parts.map((part) => macModifiers[part] ?? names[part] ?? part).join('');
  return parts.map((part) => names[part] ?? part).join('+');
}
