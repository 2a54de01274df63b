import { act, render } from '@testing-library/react';
import { createElement, type ReactElement } from 'react';
import type { HostToWebview, ResolvedLinks, WebviewToHost } from '../../../src/protocol/webview';
import { App } from '../../../webview/src/components/App';
import { HostContext } from '../../../webview/src/hostContext';
import { FileLinks } from '../../../webview/src/links/fileLinks';
import { LinksContext } from '../../../webview/src/links/linksContext';
import type { HostChannel } from '../../../webview/src/vscodeApi';

/** An extension host stand-in: records what the view posts and delivers messages to it. */
export class FakeHost implements HostChannel {
  readonly posted: WebviewToHost[] = [];
  draft = '';
  private listener?: (message: HostToWebview) => void;

  loadDraft = () => this.draft;
  saveDraft = (text: string) => {
    this.draft = text;
  };

  post = (message: WebviewToHost) => {
    this.posted.push(message);
  };

  subscribe(listener: (message: HostToWebview) => void) {
    this.listener = listener;
    return () => {
      this.listener = undefined;
    };
  }

  /** Delivers messages and waits for the frame in which the view applies them. */
  async send(...messages: HostToWebview[]) {
    await act(async () => {
      for (const message of messages) this.listener?.(message);
      await new Promise((resolve) => requestAnimationFrame(resolve));
    });
    // Let effects post (link verification batches on a microtask).
    await act(async () => {});
  }

  sent<T extends WebviewToHost['type']>(type: T): Extract<WebviewToHost, { type: T }>[] {
    return this.posted.filter((message): message is Extract<WebviewToHost, { type: T }> => message.type === type);
  }
}

/**
 * jsdom lays nothing out and has no ResizeObserver; this one reports a resize when a test says
 * the content changed size.
 */
export class FakeResizeObserver {
  static readonly observers = new Set<FakeResizeObserver>();
  readonly targets: Element[] = [];

  constructor(private readonly callback: ResizeObserverCallback) {}

  observe(target: Element) {
    this.targets.push(target);
    FakeResizeObserver.observers.add(this);
  }

  unobserve() {}

  disconnect() {
    FakeResizeObserver.observers.delete(this);
  }

  /** Tells every observer of `target` that it changed size. */
  static resize(target: Element) {
    for (const observer of FakeResizeObserver.observers) {
      if (observer.targets.includes(target)) observer.callback([], observer as unknown as ResizeObserver);
    }
  }
}
globalThis.ResizeObserver ??= FakeResizeObserver as unknown as typeof ResizeObserver;

export function renderApp(host = new FakeHost()) {
  const result = render(createElement(App, { host }));
  return { host, ...result };
}

/** Renders a component with the contexts the view provides, links resolved as given. */
export function renderInView(element: ReactElement, links: ResolvedLinks = {}) {
  const host = new FakeHost();
  const fileLinks = new FileLinks(host.post);
  fileLinks.resolve(links);
  const wrap = (child: ReactElement) =>
    createElement(HostContext.Provider, { value: host.post }, createElement(LinksContext.Provider, { value: fileLinks }, child));
  const result = render(wrap(element));
  return { host, ...result, rerenderInView: (next: ReactElement) => result.rerender(wrap(next)) };
}
