// A Ray run's evaluation reads the test scores the cluster computed (rayScores.ts), after the engine's own model
// scored the first test images the same: scores that do not describe the model, or that do not fit the test
// split, stop the run with a message naming the file.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { EngineError, type CancelSignal } from '../../src/shared/engineError';
import { imageInput } from '../../src/shared/inputSpec';
import type { Sample } from '../../src/shared/split';
import { initBackend } from '../../src/trainer/backend/selectBackend';
import { SkipList } from '../../src/trainer/data/batchStream';
import { imageKind } from '../../src/trainer/data/kinds/image';
import { writeNpy } from '../../src/trainer/features/npy';
import { CHECKED_EXAMPLES, clusterScores, SCORE_TOLERANCE } from '../../src/trainer/ray/rayScores';
import { scoreExamples } from '../../src/trainer/train/predictions';
import * as tf from '../../src/trainer/tf';
import { fixture, tempDir } from '../helpers/fixtures';

const work = tempDir('ray-scores');
after(() => fs.rmSync(work, { recursive: true, force: true }));
const input = imageInput({ size: [8, 8], channels: 3, scale: 'unit' });
const CLASSES = 3;
const signal: CancelSignal = { isCancellationRequested: false };

/** More test images than the engine checks, so some rows are only the cluster's. */
function samples(): Sample[] {
  return ['0', '1', '2'].flatMap((label, k) => {
    const dir = fixture(path.join('digits-0-4', label));
    return fs
      .readdirSync(dir)
      .sort()
      .slice(0, 14)
      .map((f) => ({ path: path.join(dir, f), label: k }));
  });
}

function model(): tf.LayersModel {
  const m = tf.sequential();
  m.add(tf.layers.flatten({ inputShape: [8, 8, 3] }));
  m.add(
    tf.layers.dense({
      units: CLASSES,
      activation: 'softmax',
      kernelInitializer: tf.initializers.glorotUniform({ seed: 5 }),
    }),
  );
  return m;
}

async function scoresFile(name: string, rows: Float32Array[]): Promise<string> {
  const file = path.join(work, `${name}.npy`);
  const data = new Float32Array(rows.length * CLASSES);
  rows.forEach((r, i) => data.set(r, i * CLASSES));
  await writeNpy(file, { rows: rows.length, cols: CLASSES, data });
  return file;
}

test("the cluster's scores are the evaluation when the engine's model agrees on the first test images", async () => {
  await initBackend('wasm');
  const m = model();
  const all = samples();
  assert.ok(all.length > CHECKED_EXAMPLES);
  const o = { model: m, input, classes: CLASSES, batchSize: 8, signal };
  const engine = await scoreExamples(m, imageKind, input, all, CLASSES, 8, new SkipList(), signal);
  const rows = engine.map((s) => Float32Array.from(s.probs));
  // The rows the engine does not check are the cluster's own: a later row changed shows in the result as it is.
  rows[all.length - 1] = Float32Array.from([0.7, 0.2, 0.1]);
  const scored = await clusterScores(await scoresFile('agree', rows), all, o);
  assert.deepEqual(
    scored.map((s) => s.path),
    all.map((s) => s.path),
  );
  assert.deepEqual(Array.from(scored.at(-1)!.probs), Array.from(Float32Array.from([0.7, 0.2, 0.1])));

  const off = rows.map((r) => r.slice());
  off[3][0] += 10 * SCORE_TOLERANCE;
  const disagreeing = await scoresFile('disagree', off);
  await assert.rejects(clusterScores(disagreeing, all, o), (e: Error) => {
    assert.ok(e instanceof EngineError && e.message.includes(disagreeing) && e.message.includes(all[3].path));
    return true;
  });

  const short = await scoresFile('short', rows.slice(1));
  await assert.rejects(
    clusterScores(short, all, o),
    (e: Error) => e instanceof EngineError && e.message.includes(short),
  );
  m.dispose();
});
