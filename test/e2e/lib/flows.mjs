// User flows several scenarios share, written as the user performs them.
import { acceptQuickPick, contextMenuPick, explorerRow, openViewContainer, waitForQuickPick } from './workbench.mjs';

/** Placeholders of the two quick picks of the fine-tune flow (extension contract). */
export const basePickFor = (folder) => `Base model for ${folder}`;
export const startPickFor = (folder) => `Start training on ${folder}`;

/**
 * Explorer → right-click `folder` → "Fine-tune on This Folder" → Enter (base) → Enter (start).
 * Returns the items both quick picks offered. With `accept: false` it stops at the open start quick pick.
 */
export async function fineTuneWithDefaults(page, folder, lap, { accept = true } = {}) {
  const row = explorerRow(page, folder);
  if (!(await row.isVisible())) await openViewContainer(page, 'Explorer');
  await row.waitFor({ timeout: 30_000 });
  await contextMenuPick(page, row, 'Fine-tune on This Folder');
  const bases = await acceptQuickPick(page, basePickFor(folder));
  lap(`base quick pick offered: ${bases.join(' | ')}`);
  if (!/MobileNetV2/.test(bases[0] ?? ''))
    throw new Error(`first base is "${bases[0]}", expected the built-in MobileNetV2`);
  const details = await startPickDetails(page, folder);
  if (!accept) return { bases, starts: [], details };
  const starts = await acceptQuickPick(page, startPickFor(folder));
  lap(`start quick pick offered: ${starts.join(' | ')} — "${details}"`);
  if (starts[0] !== 'Start training') throw new Error(`first start item is "${starts[0]}", expected "Start training"`);
  return { bases, starts, details };
}

/** The detail line of the start quick pick's first item ("3 epochs · learning rate … · k frozen layers"). */
export async function startPickDetails(page, folder) {
  await waitForQuickPick(page, startPickFor(folder));
  const first = page.locator('.quick-input-widget .quick-input-list .monaco-list-row').first();
  return (await first.innerText()).replace(/\s+/g, ' ').trim();
}
