import { randomBytes } from 'node:crypto';

/**
 * The Ask view's HTML: a mount point and the bundled React app. The CSP allows nothing by
 * default; scripts only with this page's nonce (from a CSPRNG, new on every render), styles and
 * fonts only from the extension's own files, images only from the extension and inline data
 * (never the network: model output must not be able to load a remote image).
 */

export interface WebviewAssets {
  /** `webview.cspSource`: the origin the webview serves local resources from. */
  cspSource: string;
  scriptUri: string;
  styleUri: string;
}

/** The element the webview's React root mounts on. */
export const WEBVIEW_ROOT_ID = 'root';

export function createNonce(): string {
  return randomBytes(18).toString('base64');
}

export function webviewHtml(assets: WebviewAssets, nonce: string = createNonce()): string {
  const csp = [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${assets.cspSource}`,
    `font-src ${assets.cspSource}`,
    `img-src ${assets.cspSource} data:`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeAttribute(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${escapeAttribute(assets.styleUri)}">
<title>Ask LocoOperator</title>
</head>
<body>
<div id="${WEBVIEW_ROOT_ID}"></div>
<script nonce="${nonce}" src="${escapeAttribute(assets.scriptUri)}"></script>
</body>
</html>`;
}

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
