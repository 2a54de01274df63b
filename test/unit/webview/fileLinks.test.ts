import { describe, expect, it, vi } from 'vitest';
import type { WebviewToHost } from '../../../src/protocol/webview';
import { FileLinks } from '../../../webview/src/links/fileLinks';

const ref = (text: string) => ({ text, path: text.replace(/:\d+$/, ''), line: /:(\d+)$/.exec(text) ? Number(/:(\d+)$/.exec(text)![1]) : undefined });
const settle = () => new Promise((resolve) => queueMicrotask(() => resolve(undefined)));

function fileLinks() {
  const posted: WebviewToHost[] = [];
  return { links: new FileLinks((message) => posted.push(message)), asked: () => posted.flatMap((message) => (message.type === 'links/verify' ? message.refs.map((r) => r.text) : [])) };
}

describe('FileLinks', () => {
  it('asks about each reference once, in one batch', async () => {
    const { links, asked } = fileLinks();
    links.watch(ref('a.py:1'), () => {});
    links.watch(ref('a.py:1'), () => {});
    links.watch(ref('b.py:2'), () => {});
    await settle();
    expect(asked()).toEqual(['a.py:1', 'b.py:2']);
  });

  it('wakes only the references a verdict is about', () => {
    const { links } = fileLinks();
    const a = vi.fn();
    const b = vi.fn();
    links.watch(ref('a.py:1'), a);
    links.watch(ref('b.py:2'), b);
    links.resolve({ 'a.py:1': { exists: true, path: '/w/a.py', line: 1 } });
    expect(a).toHaveBeenCalledTimes(1);
    expect(b).not.toHaveBeenCalled();
    expect(links.verdict('a.py:1')).toEqual({ exists: true, path: '/w/a.py', line: 1 });
  });

  it('takes a snapshot’s verdicts and asks again about the references it lacks', async () => {
    const { links, asked } = fileLinks();
    const stop = links.watch(ref('a.py:1'), () => {});
    links.watch(ref('b.py:2'), () => {});
    await settle();
    links.reset({ 'a.py:1': { exists: false } });
    await settle();
    expect(asked()).toEqual(['a.py:1', 'b.py:2', 'b.py:2']);
    expect(links.verdict('a.py:1')).toEqual({ exists: false });
    stop();
    links.reset({});
    await settle();
    expect(asked()).toEqual(['a.py:1', 'b.py:2', 'b.py:2', 'b.py:2']);
  });
});
