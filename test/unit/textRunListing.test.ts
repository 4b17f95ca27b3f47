// A text run folder holds run.json (version 2, a text input) for every reader of run folders, and is listed
// once in the Runs view: by the text listing (text-run.json), not again by the image listing.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { listRuns } from '../../src/host/runs/runStore';
import { listTextRunSummaries } from '../../src/host/text/textRunSummaries';
import { readRunInfo } from '../../src/io/runFiles';
import { trainText } from '../../src/trainer/text/textRun';
import { tempDir } from '../helpers/fixtures';

const work = tempDir('text-run-listing');
after(() => fs.rmSync(work, { recursive: true, force: true }));

test('a text run writes run.json with a text input and is listed once', () => {
  const words = { food: ['bread', 'soup', 'rice', 'apple'], weather: ['rain', 'snow', 'wind', 'cloud'] };
  for (const [label, list] of Object.entries(words)) {
    fs.mkdirSync(path.join(work, 'data', label), { recursive: true });
    for (let i = 0; i < 10; i++)
      fs.writeFileSync(path.join(work, 'data', label, `${i}.txt`), `${list[i % 4]} and ${list[(i + 1) % 4]} ${i}`);
  }
  const runs = path.join(work, 'runs');
  const r = trainText(
    {
      ...{ source: path.join(work, 'data'), columns: {}, model: 'auto', outputDir: runs },
      ...{ seed: 1, validationSplit: 0.2, testSplit: 0.2 },
    },
    () => {},
  );
  const info = readRunInfo(r.runDir);
  assert.equal(info.input.kind, 'text');
  assert.deepEqual(info.classes, ['food', 'weather']);
  assert.equal(info.trials?.filter((t) => t.outcome === 'kept').length, 1);
  assert.deepEqual(listRuns([runs]), []);
  assert.deepEqual(
    listTextRunSummaries([runs]).map((s) => s.dir),
    [r.runDir],
  );
});
