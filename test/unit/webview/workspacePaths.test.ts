import { describe, expect, it } from 'vitest';
import { withRelativePaths } from '../../../webview/src/workspacePaths';

/** Folders as the host's snapshot names them; each label here is the folder's name. */
const folders = (...paths: string[]) => paths.map((folder) => ({ path: folder, label: folder.split(/[\\/]/).at(-1)! }));

describe('withRelativePaths', () => {
  it('takes the workspace folder off the paths in a command', () => {
    const roots = folders('/home/user/projects/configurator');
    expect(withRelativePaths('$ ls -F /home/user/projects/configurator/src/server', roots)).toBe('$ ls -F src/server');
    expect(withRelativePaths('$ ls -F /home/user/projects/configurator', roots)).toBe('$ ls -F .');
    expect(withRelativePaths('$ ls -F /home/user/projects/configurator/', roots)).toBe('$ ls -F .');
    expect(withRelativePaths("$ cat '/home/user/projects/configurator/a b.txt' | head", roots)).toBe("$ cat 'a b.txt' | head");
    expect(withRelativePaths('$ grep -rn x /home/user/projects/configurator/src:3', roots)).toBe('$ grep -rn x src:3');
  });

  it('leaves other paths alone, including longer folder names and the folder inside another path', () => {
    const roots = folders('/home/me/app');
    expect(withRelativePaths('$ ls /home/me/app2 /x/home/me/app/y ~/.config', roots)).toBe('$ ls /home/me/app2 /x/home/me/app/y ~/.config');
  });

  it('keeps the folder name with several workspace folders, the nested one first', () => {
    const roots = folders('/w/api', '/w/api/web');
    expect(withRelativePaths('$ diff /w/api/a.py /w/api/web/b.ts /w/api', roots)).toBe('$ diff api/a.py web/b.ts api');
  });

  it('names each folder by the label the host gave it: two folders of one name are told apart, a named folder keeps its name', () => {
    const roots = [
      { path: '/w/client/app', label: 'app (client)' },
      { path: '/w/server/app', label: 'app (server)' },
      { path: '/w/packages/web', label: 'Web App' },
    ];
    expect(withRelativePaths('$ diff /w/client/app/a.ts /w/server/app/a.ts /w/packages/web', roots)).toBe('$ diff app (client)/a.ts app (server)/a.ts Web App');
  });

  it('handles Windows folders', () => {
    expect(withRelativePaths('Read C:\\work\\app\\src\\main.ts', folders('C:\\work\\app'))).toBe('Read src\\main.ts');
  });

  it('takes a Windows folder written in other case or with forward slashes for the folder, a Mac or Linux one only as written', () => {
    expect(withRelativePaths('Read c:\\WORK\\App\\src\\main.ts', folders('C:\\work\\app'))).toBe('Read src\\main.ts');
    expect(withRelativePaths('ls -F c:/work/app', folders('C:\\work\\app'))).toBe('ls -F .');
    expect(withRelativePaths('Read \\\\Server\\share\\src\\a.ts', folders('\\\\server\\share'))).toBe('Read src\\a.ts');
    expect(withRelativePaths('Read C:\\work\\app2\\a.ts', folders('C:\\work\\app'))).toBe('Read C:\\work\\app2\\a.ts');
    expect(withRelativePaths('Read /Users/me/App/a.ts', folders('/Users/me/app'))).toBe('Read /Users/me/App/a.ts');
  });
});
