import { afterEach, describe, expect, it } from 'vitest';
import { nameFoldersBy, rootLabel, rootLabels, rootsNamedBy } from '../../../src/tools/support/rootLabels';
import { workspaceLabel } from '../../../src/tools/support/workspacePaths';

let restore: (() => void) | undefined;
afterEach(() => {
  restore?.();
  restore = undefined;
});

describe('root labels', () => {
  it('names a root by its folder, as the Explorer does', () => {
    expect(rootLabel('/work/app')).toBe('app');
    expect([...rootLabels(['/work/app', '/other/ws-b']).values()]).toEqual(['app', 'ws-b']);
  });

  it('tells two folders of one name apart by their parent folders, in any order', () => {
    const roots = ['/w/client/app', '/w/server/app', '/w/lib'];
    expect([...rootLabels(roots).values()]).toEqual(['app (client)', 'app (server)', 'lib']);
    expect(rootLabel('/w/server/app', [...roots].reverse())).toBe('app (server)');
    expect(workspaceLabel('/w/server/app/src/main.ts', roots)).toBe('app (server)/src/main.ts');
    expect(workspaceLabel('/w/client/app', roots)).toBe('app (client)');
  });

  it('falls back to the whole path when the parents are named alike too', () => {
    expect([...rootLabels(['/x/client/app', '/y/client/app']).values()]).toEqual(['app (/x/client/app)', 'app (/y/client/app)']);
  });

  it("uses the editor's name for a folder (a .code-workspace entry's name), read at each label", () => {
    const names = new Map([['/w/packages/web', 'Web App']]);
    restore = nameFoldersBy((root) => names.get(root));
    const roots = ['/w/packages/web', '/w/packages/api'];
    expect(workspaceLabel('/w/packages/web/src/index.ts', roots)).toBe('Web App/src/index.ts');
    expect(workspaceLabel('/w/packages/api/server.ts', roots)).toBe('api/server.ts');
    names.set('/w/packages/web', 'Front end');
    expect(rootLabel('/w/packages/web', roots)).toBe('Front end');
  });

  it('tells apart an editor name that equals another folder name', () => {
    restore = nameFoldersBy((root) => (root === '/w/a/web' ? 'api' : undefined));
    expect([...rootLabels(['/w/a/web', '/w/b/api']).values()]).toEqual(['api (a)', 'api (b)']);
  });

  it('finds the root a labelled path starts with, whatever characters the label holds', () => {
    restore = nameFoldersBy((root) => (root === '/w/packages/web' ? 'Web App' : undefined));
    const roots = ['/w/client/app', '/w/server/app', '/w/packages/web'];
    expect(rootsNamedBy('app (server)/src/main.ts', roots)).toEqual([{ root: '/w/server/app', rest: 'src/main.ts' }]);
    expect(rootsNamedBy('Web App\\src\\index.ts', roots)).toEqual([{ root: '/w/packages/web', rest: 'src/index.ts' }]);
    expect(rootsNamedBy('app/src/main.ts', roots)).toEqual([]);
    expect(rootsNamedBy('Web App', roots)).toEqual([]);
  });
});
