/// <reference lib="dom" />
// The live charts in headless Chromium: the recorded run replayed from a snapshot, then 10,000 batch points
// streamed in as progress messages while every animation frame's time is measured (printed, not asserted).
import assert from 'node:assert/strict';
import os from 'node:os';
import { test } from 'node:test';
import type { ProgressEvent } from '../../src/shared/engineTypes';
import { panelSuite, type PanelPage } from './panelPage';
import { finishedSnapshot, longRun, recorded } from './recorded';

const suite = panelSuite();
const r = recorded();
const POINTS = 10_000;
const PER_MESSAGE = 50;

const count = async (p: PanelPage) => Number(await p.page.getAttribute('[data-testid="chart-points"]', 'data-count'));
const drawn = async (p: PanelPage, chart: string) =>
  Number(await p.page.getAttribute(`[data-testid="${chart}"]`, 'data-points'));

// Runs in the page as written (a string, so no transpiler helper sneaks in). Posts one progress message per
// animation frame, as a busy host would, and records the time between frames until the last one is drawn.
const STREAM = `(async () => {
  const events = window.__feed;
  const deltas = [];
  let last = performance.now();
  let sent = 0;
  let after = 0;
  await new Promise((resolve) => {
    requestAnimationFrame(function frame(now) {
      deltas.push(now - last);
      last = now;
      if (sent < events.length) {
        window.postMessage({ type: 'progress', events: events.slice(sent, sent + ${PER_MESSAGE}) }, '*');
        sent += ${PER_MESSAGE};
        requestAnimationFrame(frame);
      } else if (after++ < 3) {
        requestAnimationFrame(frame);
      } else {
        resolve();
      }
    });
  });
  return deltas.slice(1);
})()`;

function percentile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

test('a finished run replays from the snapshot: both models, both phases, phase 2 marked', async () => {
  const p = await suite.open({ theme: 'dark' });
  const snapshot = finishedSnapshot(r);
  await p.send(snapshot);
  const batches = snapshot.snapshot.history.filter((e) => e.kind === 'batch').length;
  const epochs = snapshot.snapshot.history.filter((e) => e.kind === 'epoch').length;
  console.log(
    `recorded run: ${snapshot.snapshot.history.length} progress events, ${batches} batches, ${epochs} epochs`,
  );
  assert.equal(await count(p), batches);
  // The scratch twin's curves are per epoch: the x positions drawn are the transfer model's batches (and epochs).
  const transfer = snapshot.snapshot.history.filter((e) => e.kind === 'batch' && e.model === 'transfer').length;
  assert.ok((await drawn(p, 'chart-loss')) >= transfer, 'the transfer batches are drawn');
  const legend = await p.page.locator('[data-testid="chart-loss"] .u-legend').innerText();
  assert.match(legend, /validation loss/);
  assert.match(legend, /scratch validation loss/);
  assert.match(await p.page.locator('[data-testid="training-status"]').innerText(), /Finished/);
  assert.equal(
    await p.page
      .locator('[data-testid="start-training"]')
      .evaluate((e) => (e as HTMLElement & { disabled: boolean }).disabled),
    false,
  );
  await p.screenshot('training-finished-dark');
  assert.deepEqual(await p.problems(), []);
});

test(`${POINTS.toLocaleString('en-US')} batch points streamed in: frame times measured while feeding`, async () => {
  const p = await suite.open({ theme: 'dark' });
  await p.send(r.idleSnapshot, r.running);
  const events: ProgressEvent[] = longRun(POINTS, r);
  await p.page.evaluate((e) => {
    (window as unknown as { __feed: unknown }).__feed = e;
  }, events);
  const deltas = (await p.page.evaluate(STREAM)) as number[];
  const sorted = [...deltas].sort((a, b) => a - b);
  console.log(
    `frame times while streaming ${POINTS} points in ${Math.ceil(events.length / PER_MESSAGE)} messages (${deltas.length} frames): ` +
      `p50 ${percentile(sorted, 0.5).toFixed(1)} ms, p95 ${percentile(sorted, 0.95).toFixed(1)} ms, max ${sorted.at(-1)!.toFixed(1)} ms, ` +
      `${deltas.filter((d) => d > 50).length} frames over 50 ms (machine load average ${os.loadavg()[0].toFixed(1)} on ${os.availableParallelism()} cores)`,
  );
  // Past 2,000 points the panel redraws at most every ~100 ms: the last draw may still be due.
  await p.page
    .waitForFunction(
      (n) => document.querySelector('[data-testid="chart-points"]')?.getAttribute('data-count') === String(n),
      POINTS,
      { timeout: 5000 },
    )
    .catch(() => undefined);
  assert.equal(await count(p), POINTS);
  assert.ok((await drawn(p, 'chart-loss')) >= POINTS, `every batch is an x position (${await drawn(p, 'chart-loss')})`);
  assert.match(await p.page.locator('[data-testid="stat-epoch"]').innerText(), /epoch \d+\/\d+/);
  assert.match(await p.page.locator('[data-testid="stat-images-per-sec"]').innerText(), /images\/s/);
  assert.match(await p.page.locator('[data-testid="stat-eta"]').innerText(), /ETA/);
  await p.screenshot('training-10k-points-dark');

  // The same history as one snapshot (a reloaded window): time until it is drawn.
  const snapshot = { ...r.idleSnapshot.snapshot, training: r.running.training, history: events };
  const replayMs = await p.page.evaluate(
    (s) =>
      new Promise<number>((resolve) => {
        const t0 = performance.now();
        window.postMessage({ type: 'snapshot', snapshot: s }, '*');
        requestAnimationFrame(() => requestAnimationFrame(() => resolve(performance.now() - t0)));
      }),
    snapshot,
  );
  console.log(`replay of a ${events.length}-event history from one snapshot: drawn within ${replayMs.toFixed(0)} ms`);
  assert.equal(await count(p), POINTS);
  assert.deepEqual(await p.problems(), []);
});

test('the panel keeps its snapshot in the webview state, and a restored panel draws it before the host answers', async () => {
  const p = await suite.open();
  await p.send(finishedSnapshot(r));
  await p.page.waitForFunction(
    () => (window as unknown as { __panel: { state?: { snapshot?: unknown } } }).__panel.state?.snapshot !== undefined,
    undefined,
    { timeout: 5000 },
  );
  const state = await p.state();
  assert.equal(state?.snapshot?.history.length, r.progress.events.length);
  const restored = await suite.open({ state });
  await restored.page.waitForSelector('[data-testid="layer-row"]', { state: 'attached' });
  assert.deepEqual(await restored.posted(), [{ type: 'ready' }]);
  assert.equal(await count(restored), r.progress.events.filter((e) => e.kind === 'batch').length);
  assert.deepEqual(await restored.problems(), []);
});
