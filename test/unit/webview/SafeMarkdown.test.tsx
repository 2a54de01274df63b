// @vitest-environment jsdom
import { cleanup, fireEvent, screen } from '@testing-library/react';
import { createElement } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SafeMarkdown } from '../../../webview/src/components/SafeMarkdown';
import { renderInView } from './fakeHost';

afterEach(cleanup);

const renderReport = (markdown: string, links = {}) => renderInView(createElement(SafeMarkdown, { markdown }), links);

describe('SafeMarkdown', () => {
  it('renders GitHub-flavoured markdown with highlighted code', () => {
    const { container } = renderReport(
      '# Config\n\n| Setting | File |\n| --- | --- |\n| DEBUG | config |\n\n- [x] done\n\n```python\ndef create_app():\n    return 1\n```',
    );
    expect(screen.getByRole('heading', { name: 'Config' })).toBeTruthy();
    expect(screen.getByRole('table')).toBeTruthy();
    expect(container.querySelector('pre code.hljs .hljs-keyword')?.textContent).toBe('def');
  });

  it('shows raw HTML as code and never puts it in the DOM', () => {
    const alert = vi.fn();
    Object.assign(window, { alert });
    const { container } = renderReport(
      'Before\n\n<script>alert(1)</script>\n\nInline <img src="x" onerror="alert(2)"> and <a href="javascript:alert(3)">x</a> and <iframe src="https://evil.example"></iframe>',
    );
    expect(container.querySelector('script, iframe, img, [onerror], a')).toBeNull();
    expect(container.textContent).toContain('<script>alert(1)</script>');
    expect(container.textContent).toContain('<img src="x" onerror="alert(2)">');
    expect(alert).not.toHaveBeenCalled();
  });

  it('renders javascript:, data: and remote links as inert text', () => {
    const { container } = renderReport(
      '[click](javascript:alert(1)) [data](data:text/html,<script>alert(1)</script>) [docs](https://example.com/docs) <https://example.org>',
    );
    expect(container.querySelector('a, [href]')).toBeNull();
    expect(container.textContent).toContain('click');
    expect(container.textContent).toContain('docs (https://example.com/docs)');
    expect(container.textContent).toContain('https://example.org');
    expect(container.textContent).not.toContain('javascript:');
  });

  it('never loads images: their alt text shows instead', () => {
    const { container } = renderReport('![architecture diagram](https://evil.example/track.png) ![](http://x/y.gif)');
    expect(container.querySelector('img, picture, source, [src]')).toBeNull();
    expect(container.textContent).toContain('architecture diagram');
  });

  it('links verified references in prose, code spans and markdown links, and opens the file', () => {
    const { host } = renderReport('Factory in `src/server/app.py:12-30`; see [the routes](src/server/routes.py#L3).', {
      'src/server/app.py:12-30': { exists: true, path: '/w/src/server/app.py', line: 12, endLine: 30 },
      'src/server/routes.py#L3': { exists: true, path: '/w/src/server/routes.py', line: 3 },
    });
    fireEvent.click(screen.getByRole('button', { name: 'src/server/app.py:12-30' }));
    fireEvent.click(screen.getByRole('button', { name: 'the routes' }));
    expect(host.sent('file/open')).toEqual([
      { type: 'file/open', path: '/w/src/server/app.py', line: 12, endLine: 30 },
      { type: 'file/open', path: '/w/src/server/routes.py', line: 3, endLine: undefined },
    ]);
  });

  it('links a bare file name with a line in a markdown link', () => {
    const { host } = renderReport('[the factory](app.py:12)', { 'app.py:12': { exists: true, path: '/w/src/app.py', line: 12 } });
    fireEvent.click(screen.getByRole('button', { name: 'the factory' }));
    expect(host.sent('file/open')).toEqual([{ type: 'file/open', path: '/w/src/app.py', line: 12, endLine: undefined }]);
  });

  it('shows a code block in a language it does not know, unhighlighted', () => {
    const { container } = renderReport('```klingon\nqapla\n```');
    expect(container.querySelector('pre code')!.textContent).toBe('qapla\n');
  });

  it('does not link references inside code blocks', () => {
    const { container } = renderReport('```\nsrc/server/app.py:12\n```', {
      'src/server/app.py:12': { exists: true, path: '/w/src/server/app.py', line: 12 },
    });
    expect(container.querySelector('button')).toBeNull();
  });

  it('renders a report with a 1 MB line as plain, inert text with its references, cut for display', () => {
    const line = 'word src/a.py:1 <img src=x onerror=alert(1)> [x](javascript:alert(1)) '.repeat(15_000);
    const { container } = renderReport(`# Title\n\n${line}\n\nThe end.`, { 'src/a.py:1': { exists: true, path: '/w/src/a.py', line: 1 } });
    expect(container.textContent!.length).toBeLessThan(20_000);
    expect(container.textContent).toMatch(/… \[1\.0M more characters not shown\]/);
    expect(container.textContent).toContain('The end.');
    expect(container.querySelector('img, a, h1')).toBeNull();
    expect(container.querySelector('button.file-link')?.textContent).toBe('src/a.py:1');
  });

  it('cuts a megabyte-long word so that the browser never lays it out', () => {
    const { container } = renderReport(`Before\n${'A'.repeat(1_000_000)}\nAfter`);
    expect(container.textContent).toContain(`${'A'.repeat(10_000)} … [990k more characters not shown]`);
    expect(container.textContent).not.toContain('A'.repeat(10_001));
    expect(container.textContent).toContain('After');
  });

  it('formats a long report whose lines are ordinary', () => {
    const section = '## Part\n\nThe factory in `src/server/app.py:12` builds the app.\n\n```python\ndef f():\n    return 1\n```\n\n';
    const { container } = renderReport(section.repeat(400));
    expect(container.querySelectorAll('h2')).toHaveLength(400);
  });
});
