// The data doctor in the editor (issue 27): a trouser planted among the sneakers → right-click the data
// folder → Check Data → the Problems panel says the file is possibly mislabelled, more likely "trouser" →
// the Data Issues view's "Move to Class" moves it into trouser/ on disk → the Undo of the move's
// notification moves it back into sneaker/ and lists the finding again.
import fs from 'node:fs';
import path from 'node:path';
import { waitFor } from '../lib/runChecks.mjs';
import {
  clickNotificationButton,
  contextMenuPick,
  explorerRow,
  treeRow,
  viewPane,
  visibleNotifications,
  waitForNotification,
} from '../lib/workbench.mjs';

export const settings = {};
export const timeoutMs = 6 * 60_000;

const PLANTED = 'mislabelled-trouser.png';
const FAILED = 'Check Data failed';

export async function run({ page, dataFolder, lap, screenshot }) {
  const [first] = fs.readdirSync(path.join(dataFolder, 'trouser')).sort();
  const inSneaker = path.join(dataFolder, 'sneaker', PLANTED);
  const inTrouser = path.join(dataFolder, 'trouser', PLANTED);
  fs.renameSync(path.join(dataFolder, 'trouser', first), inSneaker);
  lap(`planted trouser/${first} as sneaker/${PLANTED}`);

  const started = Date.now();
  await contextMenuPick(page, explorerRow(page, 'fashion-small'), 'Check Data');
  // The Data Issues view shows only once a check has findings; a failed check says so in a notification.
  const header = page.locator('.sidebar .pane-header', {
    has: page.locator('h3.title', { hasText: /^Data Issues$/i }),
  });
  await waitFor(
    async () => {
      if (await page.locator('.notifications-toasts', { hasText: FAILED }).isVisible())
        throw new Error((await visibleNotifications(page)).join(' || '));
      return header.isVisible();
    },
    { timeout: 4 * 60_000, what: 'Check Data to show the Data Issues view' },
  );
  const checkSeconds = (Date.now() - started) / 1000;
  lap(`Check Data done in ${checkSeconds.toFixed(1)} s`);

  await page.keyboard.press('Control+Shift+M');
  const problems = page.locator('.markers-panel');
  await problems.waitFor({ timeout: 15_000 });
  const fileRow = problems.locator('.monaco-list-row', { hasText: PLANTED });
  await fileRow.first().waitFor({ timeout: 30_000 });
  const marker = problems.locator('.monaco-list-row', {
    hasText: /Possibly mislabelled: Labelled "sneaker".*more likely "trouser"/,
  });
  await marker.first().waitFor({ timeout: 10_000 });
  const said = (await marker.first().innerText()).replace(/\s+/g, ' ').trim();
  lap(`Problems panel: ${PLANTED}: ${said}`);
  await screenshot('01-problems');

  const issues = await viewPane(page, 'Data Issues');
  const row = treeRow(issues, `sneaker/${PLANTED}`);
  await row.waitFor({ timeout: 30_000 });
  lap(`Data Issues: ${(await row.innerText()).replace(/\s+/g, ' ').trim()}`);
  await contextMenuPick(page, row, 'Move to Class');
  await waitFor(() => fs.existsSync(inTrouser) && !fs.existsSync(inSneaker), {
    timeout: 30_000,
    what: `${PLANTED} to move from sneaker/ into trouser/`,
  });
  await row.waitFor({ state: 'detached', timeout: 10_000 });
  const moved = await waitForNotification(page, `Moved ${PLANTED}`, 15_000);
  lap(`moved on disk; notification: ${moved}`);
  await screenshot('02-moved');

  await clickNotificationButton(page, `Moved ${PLANTED}`, 'Undo');
  await waitFor(() => fs.existsSync(inSneaker) && !fs.existsSync(inTrouser), {
    timeout: 30_000,
    what: `Undo to move ${PLANTED} back into sneaker/`,
  });
  await row.waitFor({ timeout: 10_000 });
  lap('Undo moved it back; the finding is listed again');
  await screenshot('03-undone');
  return { 'check s': +checkSeconds.toFixed(1) };
}
