import { describe, expect, it } from 'vitest';
import { withRelativePaths } from '../../../webview/src/workspacePaths';

describe('withRelativePaths', () => {
  it('takes the workspace folder off the paths in a command', () => {
    const roots = ['/home/user/projects/configurator'];
    expect(withRelativePaths('$ ls -F /home/user/projects/configurator/src/server', roots)).toBe('$ ls -F src/server');
    expect(withRelativePaths('$ ls -F /home/user/projects/configurator', roots)).toBe('$ ls -F .');
    expect(withRelativePaths('$ ls -F /home/user/projects/configurator/', roots)).toBe('$ ls -F .');
    expect(withRelativePaths("$ cat '/home/user/projects/configurator/a b.txt' | head", roots)).toBe("$ cat 'a b.txt' | head");
    expect(withRelativePaths('$ grep -rn x /home/user/projects/configurator/src:3', roots)).toBe('$ grep -rn x src:3');
  });

  it('leaves other paths alone, including longer folder names and the folder inside another path', () => {
    const roots = ['/home/me/app'];
    expect(withRelativePaths('$ ls /home/me/app2 /x/home/me/app/y ~/.config', roots)).toBe('$ ls /home/me/app2 /x/home/me/app/y ~/.config');
  });

  it('keeps the folder name with several workspace folders, the nested one first', () => {
    const roots = ['/w/api', '/w/api/web'];
    expect(withRelativePaths('$ diff /w/api/a.py /w/api/web/b.ts /w/api', roots)).toBe('$ diff api/a.py web/b.ts api');
  });

  it('handles Windows folders', () => {
    expect(withRelativePaths('Read C:\\work\\app\\src\\main.ts', ['C:\\work\\app'])).toBe('Read src\\main.ts');
  });
});
