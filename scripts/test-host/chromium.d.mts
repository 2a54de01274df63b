import type { BrowserContext, Page } from 'playwright-core';

export interface LaunchedChromium {
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

export function launchChromium(options?: { viewport?: { width: number; height: number } }): Promise<LaunchedChromium>;
