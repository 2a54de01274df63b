import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeFixtureWorkspace } from '../../fakes/fixtureWorkspace';
import {
  explainRequest,
  fileScope,
  folderScope,
  isScopeConfined,
  isScopeInWorkspace,
  questionRequest,
  selectionScope,
} from '../../../src/app/runRequests';

const roots = ['/work/app'];

describe('run requests', () => {
  it('scopes Explain This Folder to the folder: the model works there and is asked the full explanation', () => {
    const request = explainRequest(folderScope('/work/app/src/server', roots), roots, 'medium');
    expect(request.question).toBe('Explain src/server');
    expect(request.cwd).toBe('/work/app/src/server');
    expect(request.task).toContain('/work/app/src/server');
    expect(request.task).toContain('entry points');
  });

  it('runs Explain This File in the workspace folder that holds the file', () => {
    const request = explainRequest(fileScope('/work/b/lib/x.ts', ['/work/a', '/work/b']), ['/work/a', '/work/b'], 'quick');
    expect(request.cwd).toBe('/work/b');
    expect(request.question).toBe('Explain b/lib/x.ts');
    expect(request.thoroughness).toBe('quick');
  });

  it('quotes the selection with the question', () => {
    const scope = selectionScope({ file: '/work/app/a.py', startLine: 3, endLine: 4 }, roots);
    const request = explainRequest(scope, roots, 'medium', { file: '/work/app/a.py', startLine: 3, endLine: 4, text: 'x = 1' }, 'Why?');
    expect(request.question).toBe('Why? (a.py:3-4)');
    expect(request.task).toContain('x = 1');
    expect(request.task.split('\n').slice(0, 3)).toEqual(['TASK:', 'Analyze the app codebase at `/work/app`.', 'Why?']);
  });

  it('asks a typed question in the current scope', () => {
    const whole = questionRequest('Where is auth?', { kind: 'workspace' }, roots, 'medium');
    expect(whole).toMatchObject({ question: 'Where is auth?', cwd: '/work/app' });
    expect(whole.task).toMatch(/^TASK:\nAnalyze the app codebase at `\/work\/app`\.\nWhere is auth\?\n\nReturn a comprehensive answer/);
    const scoped = questionRequest('What calls this?', folderScope('/work/app/web', roots), roots, 'medium');
    expect(scoped.cwd).toBe('/work/app/web');
    expect(scoped.task).toContain('The question is about the folder `/work/app/web`.');
  });

  it('accepts from the view only scopes inside the workspace', () => {
    expect(isScopeInWorkspace({ kind: 'workspace' }, roots)).toBe(true);
    expect(isScopeInWorkspace(folderScope('/work/app/src', roots), roots)).toBe(true);
    expect(isScopeInWorkspace({ kind: 'folder', path: '/etc', label: 'etc' }, roots)).toBe(false);
    expect(isScopeInWorkspace({ kind: 'file', path: '/work/app/../other/x', label: 'x' }, roots)).toBe(false);
    expect(isScopeInWorkspace({ kind: 'file', path: 'relative/x', label: 'x' }, roots)).toBe(false);
  });

  it('refuses a selection, file or folder whose symlink leads outside the workspace', async () => {
    const workspace = await makeFixtureWorkspace();
    const outside = await mkdtemp(path.join(tmpdir(), 'loco-outside-'));
    try {
      await writeFile(path.join(outside, 'secret.py'), 'token = 1\n');
      await symlink(path.join(outside, 'secret.py'), path.join(workspace.root, 'link.py'));
      await symlink(outside, path.join(workspace.root, 'linked-dir'));
      const wsRoots = [workspace.root];
      const link = path.join(workspace.root, 'link.py');
      expect(await isScopeConfined(selectionScope({ file: link, startLine: 1, endLine: 1 }, wsRoots), wsRoots)).toBe(false);
      expect(await isScopeConfined(fileScope(link, wsRoots), wsRoots)).toBe(false);
      expect(await isScopeConfined(folderScope(path.join(workspace.root, 'linked-dir'), wsRoots), wsRoots)).toBe(false);
      const app = path.join(workspace.root, 'src/server/app.py');
      expect(await isScopeConfined(selectionScope({ file: app, startLine: 1, endLine: 2 }, wsRoots), wsRoots)).toBe(true);
      expect(await isScopeConfined(folderScope(path.join(workspace.root, 'src'), wsRoots), wsRoots)).toBe(true);
      expect(await isScopeConfined({ kind: 'workspace' }, wsRoots)).toBe(true);
    } finally {
      await workspace.cleanup();
      await rm(outside, { recursive: true, force: true });
    }
  });

});
