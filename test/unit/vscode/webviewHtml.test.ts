import { describe, expect, it } from 'vitest';
import { createNonce, webviewHtml } from '../../../src/vscode/webviewHtml';

const assets = {
  cspSource: 'https://file+.vscode-resource.vscode-cdn.net',
  scriptUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview.js',
  styleUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview.css',
};

function cspOf(html: string): Map<string, string[]> {
  const content = /http-equiv="Content-Security-Policy" content="([^"]*)"/.exec(html)?.[1] ?? '';
  return new Map(content.split(';').map((directive) => {
    const [name = '', ...values] = directive.trim().split(/\s+/);
    return [name, values];
  }));
}

describe('webviewHtml', () => {
  it('denies everything by default and allows only nonce scripts and local styles, fonts and images', () => {
    const html = webviewHtml(assets, 'abc123');
    const csp = cspOf(html);
    expect(csp.get('default-src')).toEqual(["'none'"]);
    expect(csp.get('script-src')).toEqual(["'nonce-abc123'"]);
    expect(csp.get('style-src')).toEqual([assets.cspSource]);
    expect(csp.get('img-src')).toEqual([assets.cspSource, 'data:']);
    expect(html).not.toMatch(/unsafe-(inline|eval)|https?:\s|\*/);
  });

  it('gives every script the nonce', () => {
    const html = webviewHtml(assets, 'n0nce');
    const scripts = html.match(/<script[^>]*>/g) ?? [];
    expect(scripts.length).toBeGreaterThan(0);
    for (const tag of scripts) expect(tag).toContain('nonce="n0nce"');
  });

  it('makes a fresh random nonce each time', () => {
    const nonces = new Set(Array.from({ length: 50 }, createNonce));
    expect(nonces.size).toBe(50);
    for (const nonce of nonces) expect(Buffer.from(nonce, 'base64')).toHaveLength(18);
  });
});
