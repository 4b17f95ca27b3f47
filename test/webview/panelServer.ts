// Serves the panel exactly as the host builds it (panelHtml with a fresh nonce) plus dist/webview.js and
// webview.css, from 127.0.0.1 with real content types, so Chromium applies the real CSP. The CSP is sent
// both in the page's meta tag (as in VS Code) and as a header.
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { panelCsp, panelHtml } from '../../src/host/panel/panelHtml';

const DIST = path.resolve(__dirname, '../../dist');
const TYPES: Record<string, string> = {
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.map': 'application/json',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
};

export interface PanelServer {
  url: string;
  close(): Promise<void>;
}

/** `l10n`: the bundle the host would pass (vscode.l10n.bundle in a non-English VS Code). */
export async function servePanel(options: { l10n?: Record<string, string> } = {}): Promise<PanelServer> {
  for (const f of ['webview.js', 'webview.css']) {
    if (!fs.existsSync(path.join(DIST, f))) throw new Error(`dist/${f} is missing: run npm run build first`);
  }
  let origin = '';
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', origin);
    if (url.pathname === '/' || url.pathname === '/panel.html') {
      const nonce = crypto.randomBytes(16).toString('base64');
      const html = panelHtml({
        cspSource: origin,
        nonce,
        scriptUri: `${origin}/dist/webview.js`,
        styleUri: `${origin}/dist/webview.css`,
        title: 'Transfer Studio: Training',
        l10n: options.l10n,
      });
      res
        .writeHead(200, {
          'content-type': 'text/html; charset=utf-8',
          'content-security-policy': panelCsp(origin, nonce),
        })
        .end(html);
      return;
    }
    // Chromium asks every page for a favicon; VS Code's webviews have none.
    if (url.pathname === '/favicon.ico') {
      res.writeHead(204).end();
      return;
    }
    const file = path.join(DIST, path.normalize(url.pathname.replace(/^\/dist\//, '/')));
    if (!url.pathname.startsWith('/dist/') || !file.startsWith(DIST + path.sep) || !fs.existsSync(file)) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
    fs.createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: `${origin}/panel.html`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
