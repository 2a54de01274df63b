// @vitest-environment jsdom
import { cleanup, fireEvent, screen } from '@testing-library/react';
import { createElement } from 'react';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ToolCard, resultPreviewChars } from '../../../webview/src/components/ToolCard';
import type { ToolView } from '../../../webview/src/state/runTree';
import { WorkspaceRootsContext } from '../../../webview/src/workspacePaths';
import { renderInView } from './fakeHost';
import { RunScript } from './runScript';

afterEach(cleanup);

function toolView(output?: string, status: 'done' | 'error' | 'refused' = 'done'): ToolView {
  const script = new RunScript().call('c1', 'Grep', 'Grep "create_app" in src', { pattern: 'create_app', path: 'src' });
  if (output !== undefined) script.result('c1', output, status, 'run-1', 'Grep "create_app" in src (2 files)');
  const [call, result] = script.events;
  return { callId: 'c1', call: call as ToolView['call'], result: result as ToolView['result'] };
}

describe('ToolCard', () => {
  it('shows icon, title and a running status before the result', () => {
    const { container } = renderInView(createElement(ToolCard, { tool: toolView() }));
    expect(screen.getByText('Grep "create_app" in src')).toBeTruthy();
    expect(container.querySelector('.codicon-search')).toBeTruthy();
    expect(container.querySelector('.tool-card.status-running .codicon-loading')).toBeTruthy();
    expect(screen.getByRole('button', { name: /Grep "create_app" in src\s*running/ })).toBeTruthy();
  });

  it('shows the paths in its title relative to the workspace, and the whole title on hover', () => {
    const script = new RunScript().call('c1', 'Bash', '$ ls -F /home/user/projects/configurator/src', { command: 'ls -F /home/user/projects/configurator/src' });
    const tool: ToolView = { callId: 'c1', call: script.events[0] as ToolView['call'] };
    const card = createElement(ToolCard, { tool });
    const { container } = renderInView(createElement(WorkspaceRootsContext.Provider, { value: [{ path: '/home/user/projects/configurator', label: 'configurator' }] }, card));
    const title = container.querySelector('.tool-title')!;
    expect(title.textContent).toBe('$ ls -F src');
    expect(title.getAttribute('title')).toBe('$ ls -F /home/user/projects/configurator/src');
  });

  it('lets a long title wrap in a narrow side bar rather than cutting it short', () => {
    const css = readFileSync(path.resolve(__dirname, '../../../webview/src/styles.css'), 'utf8');
    const rules = [...css.matchAll(/([^{}]*)\{([^}]*)\}/g)].filter(([, selector]) => /\.tool-title\b/.test(selector!));
    expect(rules.length).toBeGreaterThan(0);
    for (const [, selector, body] of rules) expect(`${selector!.trim()} {${body}}`).not.toMatch(/nowrap|ellipsis|overflow:\s*hidden/);
  });

  it('shows the result title, status and duration, with the body collapsed', () => {
    const { container } = renderInView(createElement(ToolCard, { tool: toolView('src/app.py:3:def create_app():') }));
    expect(screen.getByText('Grep "create_app" in src (2 files)')).toBeTruthy();
    expect(screen.getByText('42 ms')).toBeTruthy();
    expect(container.querySelector('.status-done .codicon-check')).toBeTruthy();
    expect(screen.queryByText('Arguments')).toBeNull();
  });

  it.each([
    ['error', 'codicon-error'],
    ['refused', 'codicon-circle-slash'],
  ] as const)('marks a %s call', (status, icon) => {
    const { container } = renderInView(createElement(ToolCard, { tool: toolView('Rewrite the input', status) }));
    expect(container.querySelector(`.status-${status} .${icon}`)).toBeTruthy();
    expect(screen.getByText(status)).toBeTruthy();
  });

  it('expands to arguments and a linkified result, capped until "Show all"', () => {
    const output = 'src/app.py:3:def create_app():\n' + 'x'.repeat(resultPreviewChars * 2);
    const { host, container } = renderInView(createElement(ToolCard, { tool: toolView(output) }), {
      'src/app.py:3': { exists: true, path: '/w/src/app.py', line: 3 },
    });
    const toggle = screen.getByRole('button', { expanded: false });
    fireEvent.click(toggle);
    expect(toggle.getAttribute('aria-expanded')).toBe('true');
    expect(container.querySelector('.tool-pre')!.textContent).toContain('"pattern": "create_app"');
    const result = container.querySelectorAll('.tool-pre')[1]!;
    expect(result.textContent!.length).toBe(resultPreviewChars);
    fireEvent.click(screen.getByRole('button', { name: 'src/app.py:3' }));
    expect(host.sent('file/open')).toEqual([{ type: 'file/open', path: '/w/src/app.py', line: 3, endLine: undefined }]);
    fireEvent.click(screen.getByRole('button', { name: /Show all/ }));
    expect(container.querySelectorAll('.tool-pre')[1]!.textContent).toBe(output);
  });

  it('shows hostile titles, arguments and output as text', () => {
    const hostile = '<img src=x onerror=alert(1)><script>alert(2)</script>';
    const tool = toolView(hostile);
    const { container } = renderInView(
      createElement(ToolCard, { tool: { ...tool, call: { ...tool.call!, args: { file_path: hostile } }, result: { ...tool.result!, title: hostile } } }),
    );
    fireEvent.click(screen.getByRole('button', { expanded: false }));
    expect(container.querySelector('img, script')).toBeNull();
    expect(container.querySelector('.tool-title')!.textContent).toBe(hostile);
  });

  it('opens a file from the title without toggling the card', () => {
    const { host } = renderInView(createElement(ToolCard, { tool: { ...toolView(), call: { ...toolView().call!, title: 'Read src/app.py:10-60' } } }), {
      'src/app.py:10-60': { exists: true, path: '/w/src/app.py', line: 10, endLine: 60 },
    });
    fireEvent.click(screen.getByRole('button', { name: 'src/app.py:10-60' }));
    expect(host.sent('file/open')).toHaveLength(1);
    expect(screen.queryByText('Arguments')).toBeNull();
  });
});
