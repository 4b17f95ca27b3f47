// One headless Debian Chromium per test file and a page per test, loading the real panel page with the real
// CSP. A fake acquireVsCodeApi (injected before any page script) records what the panel posts and keeps
// its state; the test plays the host by posting HostMessages to the window, as VS Code does.
import fs from 'node:fs';
import path from 'node:path';
import { after, before } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { parseWebviewMessage } from '../../src/shared/panelMessageCheck';
import type { HostMessage, PanelWebviewState, WebviewMessage } from '../../src/shared/panelProtocol';
import { servePanel, type PanelServer } from './panelServer';
import { themeOf, type ThemeName } from './themes';

export const SCREENSHOTS = path.resolve(__dirname, '../../test-results/webview');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

// A string, not a function: it runs in the page exactly as written (no transpiler helpers).
const FAKE_VSCODE_API = `
  window.__panel = { posted: [], all: [], violations: [], state: __STATE__, acquired: 0 };
  window.acquireVsCodeApi = function () {
    if (++window.__panel.acquired > 1) throw new Error('An instance of the VS Code API has already been acquired');
    return {
      postMessage: function (m) {
        window.__panel.posted.push(JSON.parse(JSON.stringify(m)));
        window.__panel.all.push(JSON.parse(JSON.stringify(m)));
      },
      getState: function () { return window.__panel.state; },
      setState: function (s) { window.__panel.state = JSON.parse(JSON.stringify(s)); },
    };
  };
  document.addEventListener('securitypolicyviolation', function (e) {
    window.__panel.violations.push(e.violatedDirective + ' blocked ' + e.blockedURI + ' ' + (e.sample || ''));
  });
`;

export interface PanelPage {
  page: Page;
  /** Everything the panel posted so far, in order. */
  posted(): Promise<WebviewMessage[]>;
  clearPosted(): Promise<void>;
  /** Posts a host message to the panel and waits two frames so it is drawn. */
  send(...messages: HostMessage[]): Promise<void>;
  setTheme(name: ThemeName): Promise<void>;
  state(): Promise<PanelWebviewState | undefined>;
  /** CSP violations, console errors, page errors, dialogs, and posted messages the host's check refuses or changes. */
  problems(): Promise<string[]>;
  dialogs: string[];
  screenshot(name: string): Promise<string>;
}

export function panelSuite(options: { l10n?: Record<string, string> } = {}) {
  let browser: Browser;
  let server: PanelServer;
  before(async () => {
    if (!fs.existsSync(CHROMIUM))
      throw new Error(`No Chromium at ${CHROMIUM}: install it (apt-get install -y chromium) or set CHROMIUM_PATH`);
    server = await servePanel(options);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });
  return {
    async open(
      options: { theme?: ThemeName; state?: PanelWebviewState; width?: number; height?: number } = {},
    ): Promise<PanelPage> {
      const context = await browser.newContext({
        viewport: { width: options.width ?? 1280, height: options.height ?? 860 },
      });
      const page = await context.newPage();
      const consoleErrors: string[] = [];
      const dialogs: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') consoleErrors.push(`console: ${m.text()}`);
      });
      page.on('pageerror', (e) => consoleErrors.push(`page error: ${e.message}`));
      page.on('dialog', (d) => {
        dialogs.push(`${d.type()}: ${d.message()}`);
        void d.dismiss();
      });
      await page.addInitScript(FAKE_VSCODE_API.replace('__STATE__', JSON.stringify(options.state ?? null)));
      await page.goto(server.url);
      const frames = () =>
        page.evaluate(() => new Promise<void>((r) => requestAnimationFrame(() => requestAnimationFrame(() => r()))));
      const panel: PanelPage = {
        page,
        dialogs,
        posted: () =>
          page.evaluate(() => (window as unknown as { __panel: { posted: WebviewMessage[] } }).__panel.posted),
        clearPosted: () =>
          page.evaluate(() => {
            (window as unknown as { __panel: { posted: unknown[] } }).__panel.posted = [];
          }),
        async send(...messages) {
          for (const m of messages) await page.evaluate((message) => window.postMessage(message, '*'), m);
          await frames();
        },
        async setTheme(name) {
          await page.evaluate((t) => {
            document.body.classList.remove(
              'vscode-dark',
              'vscode-light',
              'vscode-high-contrast',
              'vscode-high-contrast-light',
            );
            document.body.classList.add(t.bodyClass);
            document.body.dataset.vscodeThemeKind = t.kind;
            for (const [k, v] of Object.entries(t.vars)) document.documentElement.style.setProperty(k, v);
          }, themeOf(name));
          await frames();
        },
        state: () =>
          page.evaluate(() => (window as unknown as { __panel: { state?: PanelWebviewState } }).__panel.state),
        async problems() {
          const { violations, all } = await page.evaluate(
            () => (window as unknown as { __panel: { violations: string[]; all: unknown[] } }).__panel,
          );
          const refused = all.flatMap((m) => {
            const checked = parseWebviewMessage(m);
            if (!checked.ok) return [`host refuses ${JSON.stringify(m)}: ${checked.reason}`];
            return JSON.stringify(checked.message) === JSON.stringify(m)
              ? []
              : [`host check changes ${JSON.stringify(m)}`];
          });
          return [
            ...violations.map((v) => `CSP: ${v}`),
            ...consoleErrors,
            ...dialogs.map((d) => `dialog ${d}`),
            ...refused,
          ];
        },
        async screenshot(name) {
          fs.mkdirSync(SCREENSHOTS, { recursive: true });
          const file = path.join(SCREENSHOTS, `${name}.png`);
          await page.screenshot({ path: file, fullPage: false });
          return file;
        },
      };
      if (options.theme) await panel.setTheme(options.theme);
      return panel;
    },
  };
}
