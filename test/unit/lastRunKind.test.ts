// The run activation takes up: the newest run folder, with the kind of data it trained on, so that a text run
// on top is shown as the last run but its (nonexistent) image choices are not restored.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { findLastRun } from '../../src/host/runs/lastRun';
import { trainText } from '../../src/trainer/text/textRun';
import { ROOT, tempDir } from '../helpers/fixtures';

const work = tempDir('last-run-kind');
after(() => fs.rmSync(work, { recursive: true, force: true }));

test('the newest run folder is found with its kind: an image run (version 1), then a newer text run', async () => {
  const runs = path.join(work, 'runs');
  fs.cpSync(path.join(ROOT, 'test/fixtures/runs/v1-source-digits'), path.join(runs, '20250101-000000-digits'), {
    recursive: true,
  });
  const image = await findLastRun([runs]);
  assert.deepEqual([image?.name, image?.kind], ['20250101-000000-digits', 'image']);

  const words = { food: ['bread', 'soup', 'rice', 'apple'], weather: ['rain', 'snow', 'wind', 'cloud'] };
  for (const [label, list] of Object.entries(words)) {
    fs.mkdirSync(path.join(work, 'data', label), { recursive: true });
    for (let i = 0; i < 10; i++)
      fs.writeFileSync(path.join(work, 'data', label, `${i}.txt`), `${list[i % 4]} and ${list[(i + 1) % 4]} ${i}`);
  }
  const text = trainText(
    {
      ...{ source: path.join(work, 'data'), columns: {}, model: 'lexical', outputDir: runs },
      ...{ seed: 1, validationSplit: 0.2, testSplit: 0.2 },
    },
    () => {},
  );
  const last = await findLastRun([runs]);
  assert.deepEqual([last?.dir, last?.kind, last?.status], [text.runDir, 'text', 'finished']);
});
