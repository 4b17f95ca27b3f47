// The panel's HTML and CSP as a pure function: what the host hands VS Code.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { escapeHtml, panelCsp, panelHtml } from '../../src/host/panel/panelHtml';

const params = {
  cspSource: 'https://file+.vscode-resource.vscode-cdn.net',
  nonce: 'q2Zx8bW1kP0s4YtR9vLm3A==',
  scriptUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview.js',
  styleUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview.css',
  title: 'Transfer Studio: Training',
};

function cspDirectives(csp: string): Map<string, string[]> {
  return new Map(
    csp
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .map(([name, ...values]) => [name, values]),
  );
}

test('the CSP allows nothing by default, scripts only by nonce, and no inline code', () => {
  const d = cspDirectives(panelCsp(params.cspSource, params.nonce));
  assert.deepEqual(d.get('default-src'), ["'none'"]);
  assert.deepEqual(d.get('script-src'), [`'nonce-${params.nonce}'`]);
  assert.deepEqual(d.get('style-src'), [params.cspSource]);
  assert.deepEqual(d.get('img-src'), [params.cspSource, 'data:']);
  assert.deepEqual(d.get('font-src'), [params.cspSource]);
  assert.doesNotMatch(panelCsp(params.cspSource, params.nonce), /unsafe-inline|unsafe-eval|\*/);
});

test('the page carries the CSP, one nonce-tagged script, the stylesheet, and no inline code', () => {
  const html = panelHtml(params);
  assert.equal(
    html.match(/<meta http-equiv="Content-Security-Policy" content="([^"]+)">/)?.[1],
    escapeHtml(panelCsp(params.cspSource, params.nonce)),
  );
  const scripts = [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
  assert.equal(scripts.length, 1);
  assert.match(scripts[0][1], new RegExp(`nonce="${params.nonce.replace(/[+/=]/g, (c) => `\\${c}`)}"`));
  assert.match(scripts[0][1], /src="https:\/\/file\+\.vscode-resource\.vscode-cdn\.net\/ext\/dist\/webview\.js"/);
  assert.equal(scripts[0][2], '', 'no inline script body');
  assert.doesNotMatch(html, /<style|style=|\son[a-z]+=/i, 'no inline style or handler');
  assert.match(
    html,
    /<link rel="stylesheet" href="https:\/\/file\+\.vscode-resource\.vscode-cdn\.net\/ext\/dist\/webview\.css">/,
  );
});

test('the title and URIs are escaped, and a missing or short nonce is refused', () => {
  const html = panelHtml({ ...params, title: '<img src=x onerror=alert(1)> & "q"', scriptUri: 'x" onload="alert(1)' });
  assert.match(html, /<title>&lt;img src=x onerror=alert\(1\)&gt; &amp; &quot;q&quot;<\/title>/);
  assert.match(html, /src="x&quot; onload=&quot;alert\(1\)"/);
  assert.doesNotMatch(html, /<img/);
  assert.throws(() => panelHtml({ ...params, nonce: '' }), /nonce/);
  assert.throws(() => panelHtml({ ...params, nonce: "abc' 'unsafe-inline" }), /nonce/);
});

test('the l10n bundle travels as an escaped attribute (still one script), with the language and loading text', () => {
  const l10n = { Cancel: 'Abbrechen "<script>alert(1)</script>" & \'x\'' };
  const html = panelHtml({ ...params, l10n, language: 'de', loading: 'Lädt…' });
  assert.equal([...html.matchAll(/<script/g)].length, 1);
  assert.match(html, /^<html lang="de">$/m);
  assert.match(html, /<p class="loading">Lädt…<\/p>/);
  const attr = html.match(/<main [^>]*data-l10n="([^"]*)"/)?.[1];
  assert.ok(attr, 'data-l10n on the app element');
  const decoded = attr.replace(/&(amp|lt|gt|quot|#39);/g, (_, e: string) =>
    e === 'amp' ? '&' : e === 'lt' ? '<' : e === 'gt' ? '>' : e === 'quot' ? '"' : "'",
  );
  assert.deepEqual(JSON.parse(decoded), l10n);
  assert.doesNotMatch(panelHtml(params), /data-l10n/, 'English: no bundle, no attribute');
});
