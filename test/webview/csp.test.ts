/// <reference lib="dom" />
// The CSP is really in force on the served panel (so "zero violations" in the other tests means something):
// inline script, inline style attributes and remote images are refused and reported. And the bundle itself
// never evaluates strings (the CSP has no 'unsafe-eval'; code run by the test driver is exempt, so the bundle
// is checked directly).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { panelSuite } from './panelPage';

const suite = panelSuite();

test('the panel page refuses inline script, style attributes and remote images, and reports each', async () => {
  const p = await suite.open();
  const remote: string[] = [];
  // Playwright reports the attempt; the browser itself stops it (offline, a plain network failure would look different).
  p.page.on('requestfailed', (r) => {
    if (!r.url().startsWith('http://127.0.0.1')) remote.push(`${r.url()} ${r.failure()?.errorText}`);
  });
  p.page.on('requestfinished', (r) => {
    if (!r.url().startsWith('http://127.0.0.1')) remote.push(`${r.url()} finished`);
  });
  const outcome = await p.page.evaluate(() => {
    const w = window as unknown as { inlineRan?: boolean };
    const script = document.createElement('script');
    script.textContent = 'window.inlineRan = true';
    document.body.appendChild(script);
    const styled = document.createElement('div');
    styled.setAttribute('style', 'color: red');
    document.body.appendChild(styled);
    const img = document.createElement('img');
    img.src = 'https://example.com/tracker.png';
    document.body.appendChild(img);
    return { inlineRan: w.inlineRan === true, styleApplied: getComputedStyle(styled).color === 'rgb(255, 0, 0)' };
  });
  await p.page.waitForTimeout(200);
  assert.deepEqual(outcome, { inlineRan: false, styleApplied: false });
  const problems = (await p.problems()).filter((x) => x.startsWith('CSP:'));
  console.log(`violations reported for the planted content: ${problems.length}\n${problems.join('\n')}`);
  for (const directive of ['script-src', 'style-src', 'img-src'])
    assert.ok(
      problems.some((x) => x.includes(directive)),
      `${directive} violation reported`,
    );
  console.log(`remote request attempts: ${remote.join('; ')}`);
  assert.ok(
    remote.every((r) => /ERR_BLOCKED_BY_CSP|csp/i.test(r)),
    `every remote request is stopped by the CSP: ${remote.join('; ')}`,
  );
});

test('the webview bundle contains no eval, no Function constructor and no string timers', () => {
  const bundle = fs.readFileSync(path.resolve(__dirname, '../../dist/webview.js'), 'utf8');
  assert.ok(bundle.length > 10_000);
  assert.doesNotMatch(bundle, /[^\w.$]eval\s*\(|new\s+Function\s*\(|[^\w.$]Function\s*\(\s*["'`]/);
  assert.doesNotMatch(bundle, /set(Timeout|Interval)\s*\(\s*["'`]/);
});
