import { describe, it } from 'mocha';
import { openLocoOperatorView, openWorkbench, screenshot, setColorTheme, type ColorTheme } from './support/workbench';

describe('Ask LocoOperator view (smoke)', () => {
  it('opens from the activity bar and follows the color theme', async () => {
    const workbench = await openWorkbench({ theme: 'dark', name: 'smoke' });
    try {
      const view = await openLocoOperatorView(workbench.page);
      for (const theme of ['dark', 'light'] as ColorTheme[]) {
        await setColorTheme(workbench, theme);
        // VS Code tells the webview its theme through a body class; the view's colours follow it.
        await view.locator(`body.vscode-${theme}`).waitFor();
        await screenshot(workbench.page, `smoke-view-${theme}`);
      }
    } finally {
      await workbench.close();
    }
  });
});
