// The training panel's HTML, as a pure function so tests can serve exactly what the host gives VS Code.
// The CSP allows only the extension's own files (cspSource) and one nonce'd script: no inline script or style,
// no eval, nothing remote. Thumbnails arrive as data: URIs, hence img-src data:.

/** What the host knows when it creates (or restores) the panel. */
export interface PanelHtmlParams {
  /** webview.cspSource */
  cspSource: string;
  /** A fresh random value per page load. */
  nonce: string;
  /** asWebviewUri(dist/webview.js) */
  scriptUri: string;
  /** asWebviewUri(dist/webview.css) */
  styleUri: string;
  title: string;
  /** vscode.l10n.bundle: the webview's translations (webview/l10n.ts); undefined in English. */
  l10n?: Record<string, string>;
  /** vscode.env.language, for the page's lang attribute. */
  language?: string;
  /** The text shown until the script runs (translated by the host). */
  loading?: string;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for an HTML text node or a double-quoted attribute. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

/** The Content-Security-Policy of the panel. */
export function panelCsp(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `img-src ${cspSource} data:`,
    `style-src ${cspSource}`,
    `font-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
}

export function panelHtml(p: PanelHtmlParams): string {
  if (!/^[A-Za-z0-9+/=_-]{16,}$/.test(p.nonce))
    throw new Error('panelHtml: the nonce must be at least 16 base64 or hex characters');
  const attr = escapeHtml;
  // An attribute, not a second <script>: the page keeps exactly one script, the nonce'd bundle.
  const l10n = p.l10n ? ` data-l10n="${attr(JSON.stringify(p.l10n))}"` : '';
  return `<!DOCTYPE html>
<html lang="${attr(p.language ?? 'en')}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${attr(panelCsp(p.cspSource, p.nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${attr(p.styleUri)}">
<title>${escapeHtml(p.title)}</title>
</head>
<body>
<main id="app" data-testid="panel-root"${l10n}><p class="loading">${escapeHtml(p.loading ?? 'Loading…')}</p></main>
<script nonce="${attr(p.nonce)}" src="${attr(p.scriptUri)}"></script>
</body>
</html>
`;
}
