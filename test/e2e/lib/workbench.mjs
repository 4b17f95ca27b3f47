// Driving the VS Code workbench (Code 1.139 in code-server) the way a user does: Explorer context menu,
// command palette, quick picks, notifications, views with checkboxes. Selectors are the ones that worked in
// ../shared/e2e-harness.md plus the quick-input and notification DOM of the same version.
import fs from 'node:fs';
import { chromium } from 'playwright-core';

// Pitfall 7: errors the workbench logs by itself offline; they say nothing about our extension.
const HARMLESS_CONSOLE = [
  /vsda/,
  /authentication provider 'github'/,
  /ENOTFOUND/,
  /open-vsx/i,
  /Failed to load resource.*404/,
];

/** Headless Debian Chromium with the sandbox's HOME/XDG/TMPDIR (pitfalls 8, 14). */
export function launchBrowser(env) {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    env,
  });
}

/**
 * Opens the workbench on a folder; collects console errors (all frames, webviews included) into
 * `consoleErrors`, without the known harmless ones.
 */
export async function openWorkbench(browser, url, folder) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  const consoleErrors = [];
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    const text = m.text();
    if (!HARMLESS_CONSOLE.some((re) => re.test(text))) consoleErrors.push(text.split('\n')[0].slice(0, 300));
  });
  page.on('pageerror', (e) => consoleErrors.push(`pageerror: ${String(e).slice(0, 300)}`));
  // The first load compiles the workbench: on a loaded 2-core machine it took over the default 30 s.
  await page.goto(`${url}?folder=${encodeURIComponent(folder)}`, { timeout: 90_000 });
  await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: 90_000 });
  return { page, consoleErrors };
}

/** The Explorer row of a file or folder by its name (top level or expanded). */
export function explorerRow(page, name) {
  return page.locator('.explorer-folders-view').getByRole('treeitem', { name, exact: true });
}

/**
 * Right-clicks `row` and picks `title`. Extension menus register asynchronously after the workbench shows,
 * so an early menu may lack the item (pitfall 12), and an item whose `enablement` reads a context key set
 * late (isWorkspaceTrusted) may still be disabled: close the menu and retry; a menu keeps the state it
 * opened with.
 */
export async function contextMenuPick(page, row, title, attempts = 15) {
  const item = page.locator('.context-view.monaco-menu-container').getByRole('menuitem', { name: title, exact: true });
  let seen = 'absent';
  for (let i = 1; ; i++) {
    await row.click({ button: 'right' });
    try {
      await item.waitFor({ timeout: 2000 });
      if ((await item.getAttribute('aria-disabled')) !== 'true') break;
      seen = 'disabled';
      await page.waitForTimeout(1000);
    } catch {
      seen = 'absent';
    }
    if (i >= attempts) throw new Error(`the context menu item "${title}" stayed ${seen} over ${attempts} tries`);
    await page.keyboard.press('Escape');
  }
  await item.click();
  // A click that lands while the menu is still settling is ignored and leaves it open with the item
  // focused (seen after a quick pick was dismissed); Enter then runs the focused item, as it would for a user.
  // Under load a menu that did run its item can take seconds to close: an item gone by then means the click
  // worked, so Enter is pressed only on an item still there.
  const menu = page.locator('.context-view.monaco-menu-container');
  try {
    await menu.waitFor({ state: 'hidden', timeout: 10_000 });
  } catch {
    await item.focus({ timeout: 2000 }).then(
      () => page.keyboard.press('Enter'),
      () => undefined,
    );
    await menu.waitFor({ state: 'hidden', timeout: 30_000 });
  }
}

/** Menu item titles of the context menu of `row` (to report what was there when ours was not). */
export async function contextMenuTitles(page, row) {
  await row.click({ button: 'right' });
  const items = page.locator('.context-view.monaco-menu-container .action-label');
  await items.first().waitFor({ timeout: 5000 });
  const titles = (await items.allTextContents()).filter(Boolean);
  await page.keyboard.press('Escape');
  return titles;
}

const quickInput = (page) => page.locator('.quick-input-widget');

/** Waits for a quick pick whose placeholder contains `placeholder`; returns the labels of its items. */
export async function waitForQuickPick(page, placeholder, timeout = 30_000) {
  const input = quickInput(page).locator(`input[placeholder*="${placeholder.replace(/"/g, '\\"')}"]`);
  await input.waitFor({ state: 'visible', timeout });
  const rows = quickInput(page).locator('.quick-input-list .monaco-list-row');
  await rows.first().waitFor({ timeout });
  // A row holds a label line (label, description) and a detail line; the label is the first label-name.
  const labels = [];
  for (const row of await rows.all())
    labels.push((await row.locator('.label-name').first().textContent())?.trim() ?? '');
  return labels;
}

/** Accepts the focused (first) item of the quick pick with that placeholder, as a user pressing Enter. */
export async function acceptQuickPick(page, placeholder) {
  const labels = await waitForQuickPick(page, placeholder);
  await page.keyboard.press('Enter');
  await quickInput(page).locator(`input[placeholder*="${placeholder}"]`).waitFor({ state: 'hidden', timeout: 10_000 });
  return labels;
}

/** Opens the command palette (F1, or Ctrl+Shift+P when F1 did nothing) and returns its input box. */
async function openPalette(page) {
  const input = quickInput(page).locator('.quick-input-box input');
  // F1 typed while a webview has focus stays in its iframe: move focus into the workbench first, onto a
  // harmless spot (the side bar's title, else the status bar's empty middle).
  // eslint-disable-next-line no-undef -- runs in the page
  if (await page.evaluate(() => document.activeElement?.tagName === 'IFRAME')) {
    const sideBarTitle = page.locator('.part.sidebar .composite.title .title-label');
    if (await sideBarTitle.isVisible()) await sideBarTitle.click();
    else await page.locator('.part.statusbar').click({ position: { x: 600, y: 10 } });
  }
  for (let attempt = 1; ; attempt++) {
    await page.keyboard.press(attempt % 2 ? 'F1' : 'Control+Shift+P');
    try {
      await input.waitFor({ state: 'visible', timeout: 3000 });
      return input;
    } catch (err) {
      if (attempt === 4) throw err;
    }
  }
}

/**
 * Runs a command from the palette by its full title, e.g. "Transfer Studio: Cancel Training". Right after
 * the workbench opens, extension commands may not be registered yet: close the palette and look again.
 */
export async function runCommand(page, title, attempts = 6) {
  for (let attempt = 1; ; attempt++) {
    const input = await openPalette(page);
    await input.fill(`>${title}`);
    const row = quickInput(page).locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
    try {
      await row.waitFor({ timeout: 5000 });
      await row.click();
      return;
    } catch (err) {
      if (attempt >= attempts) throw new Error(`the command palette never offered "${title}"`, { cause: err });
      await page.keyboard.press('Escape');
    }
  }
}

/**
 * Replaces the user settings the way a user would: "Preferences: Open User Settings (JSON)", select all,
 * type the new JSON, save. (A settings.json written behind VS Code's back was not picked up by code-server
 * within 12 s; a save from the editor is seen at once.) Keys typed before the editor has focus go nowhere
 * and leave nothing to save, so the file on disk is the proof: up to three tries until it holds `settings`.
 */
export async function writeUserSettingsInEditor(page, settings, file) {
  const wanted = JSON.stringify(settings);
  let onDisk;
  for (let attempt = 1; attempt <= 3; attempt++) {
    await typeUserSettings(page, wanted);
    const deadline = Date.now() + 5000;
    while ((onDisk = readSettings(file)) !== wanted && Date.now() < deadline) await page.waitForTimeout(200);
    if (onDisk === wanted) return;
  }
  throw new Error(`${file} still holds ${onDisk} after three saves from the editor; expected ${wanted}`);
}

/** The settings file as one-line JSON, or its raw text while it does not parse. */
function readSettings(file) {
  const text = fs.readFileSync(file, 'utf8');
  try {
    return JSON.stringify(JSON.parse(text));
  } catch {
    return text;
  }
}

async function typeUserSettings(page, json) {
  await runCommand(page, 'Preferences: Open User Settings (JSON)');
  const editor = page.locator('.editor-instance .monaco-editor').first();
  await editor.waitFor({ timeout: 15_000 });
  await editor.click({ position: { x: 200, y: 40 } });
  await page.locator('.editor-instance .monaco-editor.focused').first().waitFor({ timeout: 5000 });
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  // One line, so auto-indentation has nothing to do; the editor still auto-closes brackets and quotes
  // while it takes the text in, and those closers end up after the cursor: delete them.
  await page.keyboard.insertText(json);
  await page.keyboard.press('Shift+Control+End');
  await page.keyboard.press('Delete');
  await page.keyboard.press('Control+S');
  await page.locator('.tab.active.dirty').waitFor({ state: 'detached', timeout: 10_000 });
  // Code 1.139 opens settings.json in a modal editor over the workbench (the palette does not open over
  // it, and Escape inside the text only clears the selection): its close button.
  const modal = page.locator('.monaco-modal-editor-block');
  if (await modal.isVisible()) {
    await modal.getByRole('button', { name: /^Close Modal Editor/ }).click();
    await modal.waitFor({ state: 'hidden', timeout: 5000 });
  } else {
    await runCommand(page, 'View: Close Editor');
  }
}

/** The toast of a notification whose message matches `text` (string or RegExp). */
export function notification(page, text) {
  return page.locator('.notifications-toasts .notification-toast', { hasText: text });
}

/** Waits for a notification and returns its whole text. */
export async function waitForNotification(page, text, timeout) {
  const toast = notification(page, text).first();
  await toast.waitFor({ state: 'visible', timeout });
  return (await toast.innerText()).replace(/\s+/g, ' ').trim();
}

/** Clicks a button (e.g. "Cancel") of the notification matching `text`. */
export async function clickNotificationButton(page, text, button) {
  await notification(page, text).first().getByRole('button', { name: button, exact: true }).click();
}

/** Texts of all visible notification toasts (for failure messages). */
export async function visibleNotifications(page) {
  return (await page.locator('.notifications-toasts .notification-toast').allInnerTexts()).map((t) =>
    t.replace(/\s+/g, ' ').trim(),
  );
}

/** Opens a view container from the activity bar by its title (e.g. "Transfer Studio"). */
export async function openViewContainer(page, title) {
  const tab = page.locator('.activitybar').getByRole('tab', { name: title });
  await tab.first().waitFor({ timeout: 30_000 });
  if ((await tab.first().getAttribute('aria-selected')) !== 'true') await tab.first().click();
}

/** The pane of a view (e.g. "Layers") in the side bar, expanded. */
export async function viewPane(page, title) {
  // `has` locators are relative to the outer element: no `.sidebar` prefix inside them.
  const titled = page.locator('h3.title', { hasText: new RegExp(`^${escapeRegExp(title)}$`, 'i') });
  const header = page.locator('.sidebar .pane-header', { has: titled });
  await header.waitFor({ timeout: 30_000 });
  if ((await header.getAttribute('aria-expanded')) === 'false') await header.click();
  return page.locator('.sidebar .pane', { has: page.locator('.pane-header', { has: titled }) });
}

/** A row of a tree view by its exact label. */
export function treeRow(pane, label) {
  return pane.locator('.monaco-list-row', {
    has: pane.page().locator('.label-name', { hasText: new RegExp(`^\\s*${escapeRegExp(label)}\\s*$`) }),
  });
}

export function escapeRegExp(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * The content frame of our webview panel: the outer `iframe.webview.ready` (filtered by extension id so
 * other webviews never match) holds `iframe#active-frame` with the extension's HTML.
 */
export function webviewContent(page, extensionId = 'transfer-studio.transfer-studio') {
  return page
    .frameLocator(`iframe.webview.ready[src*="extensionId=${extensionId}"]`)
    .frameLocator('iframe#active-frame');
}
