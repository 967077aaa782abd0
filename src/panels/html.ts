// The HTML page of every SweepScope panel: a strict Content-Security-Policy with a per-load
// nonce (no inline script or style without it, nothing remote), the panel's stylesheets and its
// one script. No `vscode` import, so the webview tests build their page with this same function.
import type { PanelKind } from './assets';

export interface PanelHtmlOptions {
  /** Panel title (the page's <title>). */
  title: string;
  /** `webview.cspSource`: the origin the webview loads local resources from. */
  cspSource: string;
  /** A fresh random nonce for this page load. */
  nonce: string;
  /** URI of the panel's bundled script (dist/media/NAME.js) as the webview sees it. */
  scriptUri: string;
  /** URIs of the panel's stylesheets (media/*.css). */
  styleUris: string[];
  /** Which panel: set on <body data-panel> for the stylesheet. */
  panel: PanelKind;
}

/** A random nonce: 128 bits as base64url, new for every page built. */
export function makeNonce(): string {
  const bytes = new Uint8Array(16);
  globalThis.crypto.getRandomValues(bytes);
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Escapes text for an HTML attribute value or text node. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The CSP of a panel page. */
export function panelCsp(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `img-src ${cspSource} data:`,
  ].join('; ');
}

export function buildPanelHtml(o: PanelHtmlOptions): string {
  if (!/^[A-Za-z0-9_-]{16,}$/.test(o.nonce)) throw new Error('buildPanelHtml: the nonce must be at least 16 base64url characters');
  const n = escapeHtml(o.nonce);
  const styles = o.styleUris.map((u) => `  <link rel="stylesheet" nonce="${n}" href="${escapeHtml(u)}">`).join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="UTF-8">
  <meta http-equiv="Content-Security-Policy" content="${escapeHtml(panelCsp(o.cspSource, o.nonce))}">
  <meta name="viewport" content="width=device-width, initial-scale=1.0">
  <title>${escapeHtml(o.title)}</title>
${styles}
</head>
<body data-panel="${escapeHtml(o.panel)}">
  <script nonce="${n}" src="${escapeHtml(o.scriptUri)}"></script>
</body>
</html>
`;
}
