// WCAG contrast of the text a webview shows, from the colours the browser computed: each visible
// element with text of its own, its colour against the background it is drawn on (the nearest
// backgrounds up the tree, blended where they are translucent).
import * as assert from 'node:assert/strict';
import type { FrameLocator } from 'playwright-core';
import { COLOR_THEMES, screenshot, setColorTheme, WEBVIEW_THEME_SELECTORS, type Workbench } from './workbench';

export interface TextContrast {
  /** The start of the text. */
  text: string;
  /** Where it is: the element and its nearest classes. */
  where: string;
  color: string;
  background: string;
  ratio: number;
  /** 4.5 for normal text, 3 for large text (24 px, or 18.66 px bold). */
  required: number;
}

/** Every visible text in the view with its contrast, worst first. */
export async function textContrasts(view: FrameLocator): Promise<TextContrast[]> {
  const found = await view.locator('body').evaluate((body) => {
    type Rgba = [number, number, number, number];
    const probe = document.createElement('canvas').getContext('2d')!;
    /** Any CSS colour as sRGB 0–255 with alpha, through a canvas (which normalises every syntax). */
    const rgba = (css: string): Rgba => {
      probe.clearRect(0, 0, 1, 1);
      probe.fillStyle = '#000';
      probe.fillStyle = css;
      probe.fillRect(0, 0, 1, 1);
      const [r, g, b, a] = probe.getImageData(0, 0, 1, 1).data;
      return [r!, g!, b!, a! / 255];
    };
    const over = (top: Rgba, bottom: Rgba): Rgba => {
      const a = top[3] + bottom[3] * (1 - top[3]);
      if (a === 0) return [0, 0, 0, 0];
      const mix = (i: number) => (top[i]! * top[3] + bottom[i]! * bottom[3] * (1 - top[3])) / a;
      return [mix(0), mix(1), mix(2), a];
    };
    const luminance = ([r, g, b]: Rgba) => {
      const channel = (value: number) => {
        const c = value / 255;
        return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
      };
      return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
    };
    /** The opaque colour an element is drawn on: its backgrounds and its ancestors', blended. */
    const backgroundOf = (element: Element): Rgba => {
      const layers: Rgba[] = [];
      for (let node: Element | null = element; node; node = node.parentElement) {
        const color = rgba(getComputedStyle(node).backgroundColor);
        if (color[3] > 0) layers.push(color);
        if (color[3] >= 1) break;
      }
      // What shows through everything: the view's own background.
      let result = rgba(getComputedStyle(document.body).getPropertyValue('--vscode-sideBar-background') || '#fff');
      result[3] = 1;
      for (const layer of layers.reverse()) result = over(layer, result);
      return result;
    };
    /** Text for screen readers only, unless a rule shows it (a reason beside a focused reference). */
    const clippedAway = (element: Element) => {
      const wrapper = element.closest('.visually-hidden');
      if (!wrapper) return false;
      const box = wrapper.getBoundingClientRect();
      return box.width <= 1 || box.height <= 1;
    };
    const hidden = (element: Element) =>
      element.closest('.codicon, [aria-hidden="true"]') !== null || (element as HTMLElement).matches(':disabled') || clippedAway(element);
    const results = [];
    for (const element of body.querySelectorAll('*')) {
      const ownText = [...element.childNodes]
        .filter((node) => node.nodeType === Node.TEXT_NODE)
        .map((node) => node.textContent ?? '')
        .join('')
        .trim();
      if (ownText === '' || hidden(element)) continue;
      const style = getComputedStyle(element);
      const box = element.getBoundingClientRect();
      if (style.visibility !== 'visible' || box.width === 0 || box.height === 0 || Number(style.opacity) === 0) continue;
      const background = backgroundOf(element);
      const color = over(rgba(style.color), background);
      const [light, dark] = [luminance(color), luminance(background)].sort((a, b) => b - a);
      const size = parseFloat(style.fontSize);
      const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
      const classes = [...element.classList].slice(0, 2).join('.');
      const parent = element.parentElement;
      const parentClasses = parent ? [...parent.classList].slice(0, 2).join('.') : '';
      results.push({
        text: ownText.slice(0, 40),
        where: `${parent?.tagName.toLowerCase() ?? ''}${parentClasses ? `.${parentClasses}` : ''} > ${element.tagName.toLowerCase()}${classes ? `.${classes}` : ''}`,
        color: `rgb(${color.slice(0, 3).map(Math.round).join(', ')})`,
        background: `rgb(${background.slice(0, 3).map(Math.round).join(', ')})`,
        ratio: (light! + 0.05) / (dark! + 0.05),
        required: large ? 3 : 4.5,
      });
    }
    return results;
  });
  return found.sort((a, b) => a.ratio / a.required - b.ratio / b.required);
}

export interface ContrastState {
  /** Puts back what a theme switch undoes (the palette takes the focus), before each measure. */
  prepare?: () => Promise<void>;
  /** What the state shows: each selector must match a visible element in every theme. */
  present?: readonly string[];
}

/**
 * Measures every text of the view in the state it is in, in the light, dark and both
 * high-contrast themes, and fails on any below WCAG AA: 4.5:1, or 3:1 for large text (24 px, or
 * 18.66 px bold), the one exception WCAG makes for text. Icons are not text (1.4.11 asks 3:1 of
 * them; codicons are left out here). Leaves the window in the dark theme.
 */
export async function expectAAInEveryTheme(workbench: Workbench, view: FrameLocator, state: string, options: ContrastState = {}): Promise<void> {
  const failures: string[] = [];
  for (const theme of COLOR_THEMES) {
    await setColorTheme(workbench, theme);
    // The webview's theme class and its colour variables change in one step.
    await view.locator(WEBVIEW_THEME_SELECTORS[theme]).waitFor();
    await options.prepare?.();
    for (const selector of options.present ?? []) {
      if (!(await view.locator(selector).first().isVisible())) failures.push(`${theme}: the ${state} state shows no ${selector}`);
    }
    const contrasts = await textContrasts(view);
    assert.ok(contrasts.length > 0, `no text measured in ${theme}`);
    const worst = contrasts.slice(0, 3).map((found) => `${found.ratio.toFixed(2)}:1 "${found.text}" (${found.where}, ${found.color} on ${found.background})`);
    console.log(`    [contrast] ${state}, ${theme}: ${contrasts.length} texts, worst ${worst.join('; ')}`);
    for (const found of contrasts.filter((measured) => measured.ratio < measured.required)) {
      failures.push(`${state}, ${theme}: ${found.ratio.toFixed(2)}:1 < ${found.required} "${found.text}" (${found.where}, ${found.color} on ${found.background})`);
    }
    await screenshot(workbench.page, `contrast-${state}-${theme}`);
  }
  await setColorTheme(workbench, 'dark');
  assert.deepEqual(failures, []);
}
