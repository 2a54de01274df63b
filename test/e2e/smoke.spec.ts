import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import { openLocoOperatorView, openWorkbench, screenshot, setColorTheme, type ColorTheme } from './support/workbench';

describe('Ask LocoOperator view (smoke)', () => {
  it('opens from the activity bar, follows the color theme, and asks for the model on the first question', async () => {
    // No scripted model: the window is a first run.
    const workbench = await openWorkbench({ theme: 'dark', name: 'smoke' });
    try {
      const view = await openLocoOperatorView(workbench.page);
      const textBrightness: Partial<Record<ColorTheme, number>> = {};
      for (const theme of ['dark', 'light'] as ColorTheme[]) {
        await setColorTheme(workbench, theme);
        // VS Code tells the webview its theme through a body class; the view's colours follow it.
        await view.locator(`body.vscode-${theme}`).waitFor();
        textBrightness[theme] = await view.locator('body').evaluate((body) => {
          // The body's own background is transparent (the side bar shows through); its text colour is the theme's.
          const [r = 0, g = 0, b = 0] = (getComputedStyle(body).color.match(/\d+/g) ?? []).map(Number);
          return 0.2126 * r + 0.7152 * g + 0.0722 * b;
        });
        await screenshot(workbench.page, `smoke-view-${theme}`);
      }
      assert.ok(textBrightness.dark! > 150 && textBrightness.light! < 100, `the view's text colour follows the theme (${JSON.stringify(textBrightness)})`);
      const box = view.getByRole('textbox', { name: 'Question about this workspace' });
      await box.fill('What does this project do?');
      await box.press('Enter');
      await view.getByRole('region', { name: 'Model needed' }).waitFor({ timeout: 30_000 });
      await view.getByRole('button', { name: 'Use a GGUF file I have…' }).waitFor();
      for (const theme of ['light', 'dark'] as ColorTheme[]) {
        await setColorTheme(workbench, theme);
        await view.locator(`body.vscode-${theme}`).waitFor();
        await screenshot(workbench.page, `model-needed-${theme}`);
      }
    } finally {
      await workbench.close();
    }
  });
});
