/// <reference lib="dom" />
// The panel mid-training in dark, light and high-contrast themes (set the way VS Code sets them): screenshots of
// every tab in test-results/webview/ to look at, and the chart canvases redrawn in the theme's chart colors.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { panelSuite, type PanelPage } from './panelPage';
import { recorded } from './recorded';
import { themeOf, type ThemeName } from './themes';

const suite = panelSuite();
const r = recorded();

function rgb(hex: string): [number, number, number] {
  const n = parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/** How many pixels of the loss chart's canvas have (almost) exactly this color. */
async function pixelsOf(p: PanelPage, hex: string): Promise<number> {
  return p.page.locator('[data-testid="chart-loss"] canvas').evaluate((canvas, [r0, g0, b0]) => {
    const c = canvas as HTMLCanvasElement;
    const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (
        data[i + 3] > 250 &&
        Math.abs(data[i] - r0) < 6 &&
        Math.abs(data[i + 1] - g0) < 6 &&
        Math.abs(data[i + 2] - b0) < 6
      )
        n++;
    }
    return n;
  }, rgb(hex));
}

/** Mid-training: the first two thirds of the recorded run, plus the previous run's evaluation. */
async function midTraining(p: PanelPage): Promise<void> {
  const events = r.progress.events;
  await p.send(
    r.idleSnapshot,
    r.running,
    { type: 'progress', events: events.slice(0, Math.floor((events.length * 2) / 3)) },
    r.evaluation,
  );
}

/** Elements of the training tab that stick out of their pane or the window (name and overhang in pixels). */
async function overhangs(p: PanelPage): Promise<string[]> {
  // No named functions inside: the test's compiler would wrap them in a helper the page does not have.
  return p.page.evaluate(() => {
    const pane = document.querySelector('.training-split .pane')!.getBoundingClientRect();
    const edge = Math.min(pane.right, window.innerWidth);
    const items: [string, Element | null, number][] = [
      ...Array.from(document.querySelectorAll('[data-testid="training-settings"] vscode-textfield')).map(
        (el): [string, Element, number] => [el.id, el, pane.right],
      ),
      ...['start-training', 'start-training-ray', 'cancel-training'].map((id): [string, Element | null, number] => [
        id,
        document.querySelector(`[data-testid="${id}"]`),
        edge,
      ]),
      ['backend', document.querySelector('[data-testid="backend"]'), window.innerWidth],
    ];
    return items
      .map(([name, el, right]) => [name, el?.getBoundingClientRect().right ?? 0, right] as const)
      .filter(([, r, right]) => r > right + 1)
      .map(([name, r, right]) => `${name} +${Math.round(r - right)}px`);
  });
}

for (const theme of ['dark', 'light', 'high-contrast'] as ThemeName[]) {
  test(`screenshots of every tab in the ${theme} theme, 1000 and 1400 pixels wide`, async () => {
    for (const width of [1000, 1400]) {
      const p = await suite.open({ theme, width, height: 820 });
      await midTraining(p);
      const blue = themeOf(theme).vars['--vscode-charts-blue'];
      assert.ok((await pixelsOf(p, blue)) > 20, `the loss chart uses --vscode-charts-blue ${blue}`);
      assert.deepEqual(await overhangs(p), [], `nothing sticks out at ${width} px`);
      const backend = p.page.locator('[data-testid="backend"]');
      assert.ok(!(await backend.textContent())!.includes(' + '), 'the kernel list waits for the hover');
      assert.ok((await backend.getAttribute('title'))!.includes(' + '), 'and is there on hover');
      const files = [await p.screenshot(`${theme}-${width}-training`)];
      for (const tab of ['layers', 'dataset', 'evaluation']) {
        await p.page.click(`[data-testid="tab-${tab}"]`);
        await p.page.evaluate(() => new Promise((res) => requestAnimationFrame(() => requestAnimationFrame(res))));
        if (tab === 'layers') await p.page.locator('[data-testid="layer-row"][data-layer="block_16_expand"]').hover();
        files.push(await p.screenshot(`${theme}-${width}-${tab}`));
      }
      console.log(`${theme}: ${files.map((f) => f.replace(/.*test-results/, 'test-results')).join(', ')}`);
      assert.deepEqual(await p.problems(), []);
    }
  });
}

test("a theme change redraws the charts in the new theme's colors", async () => {
  const p = await suite.open({ theme: 'dark' });
  await midTraining(p);
  const dark = themeOf('dark').vars['--vscode-charts-blue'];
  const light = themeOf('light').vars['--vscode-charts-blue'];
  const before = { dark: await pixelsOf(p, dark), light: await pixelsOf(p, light) };
  await p.setTheme('light');
  const after = { dark: await pixelsOf(p, dark), light: await pixelsOf(p, light) };
  console.log(
    `loss-chart pixels in dark blue/light blue: before ${before.dark}/${before.light}, after the switch ${after.dark}/${after.light}`,
  );
  assert.ok(before.dark > 20 && before.light < 5);
  assert.ok(after.light > 20 && after.dark < 5);
  assert.deepEqual(await p.problems(), []);
});
