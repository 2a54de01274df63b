// Debian's Chromium driven by playwright-core. Playwright's own browser download cannot work
// here; these flags keep a headless root Chromium from reaching for the network at start.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { chromiumPath } from './hostPaths.mjs';

const HEADLESS_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A fresh browser with its own profile; `close()` also removes the profile. */
export async function launchChromium({ viewport = { width: 1400, height: 900 } } = {}) {
  const profileDir = mkdtempSync(join(tmpdir(), 'locooperator-chromium-'));
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: chromiumPath,
    headless: true,
    args: HEADLESS_ARGS,
    viewport,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    async close() {
      await context.close().catch(() => {});
      rmSync(profileDir, { recursive: true, force: true });
    },
  };
}
