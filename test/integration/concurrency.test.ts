// Trainings started at the same moment with the same run name and runs folder (two editor windows, a
// script that starts several): each must claim its own run folder and write only there. Several rounds of
// four CLI processes at once; every run folder is then checked against the data set that made it.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '../../src/trainer/tf';
import { loadLayersModelFromFile } from '../../src/trainer/models/modelFiles';
import { spawn } from 'node:child_process';
import { ROOT, tempDir } from '../helpers/fixtures';
import { tinySource } from '../helpers/cli';
import { cliIn, jsonResult } from '../helpers/hostileInputs';
import { copyDigits } from '../helpers/smallData';

const work = tempDir('concurrency');
after(() => fs.rmSync(work, { recursive: true, force: true }));
const cli = cliIn(work);

const ROUNDS = 3;
/** Four data sets with different classes, so a folder holding one set's labels and another's model shows. */
const SETS = [
  ['0', '1'],
  ['1', '2', '3'],
  ['0', '2', '3', '4'],
  ['3', '4'],
];

test(`${ROUNDS} rounds of ${SETS.length} trainings at once, same run name: distinct folders, each loadable and labelled by its own data`, async () => {
  await tf.setBackend('cpu');
  const data = SETS.map((classes, i) => copyDigits(path.join(work, `set-${i}`), classes, 6));
  const seen = new Set<string>();
  for (let round = 1; round <= ROUNDS; round++) {
    const out = path.join(work, `runs-${round}`);
    const runs = await Promise.all(
      data.map((d) =>
        cli.run([
          'train',
          d,
          ...tinySource(1),
          '--batch-size',
          '8',
          '--patience',
          '0',
          '--name',
          'same',
          '--out',
          out,
          '--json',
        ]),
      ),
    );
    const dirs = runs.map((r, i) => {
      assert.equal(r.code, 0, `round ${round}, set ${i}: ${r.stderr}${r.stdout.slice(-400)}`);
      return jsonResult<{ runDir: string }>(r.stdout)!.result!.runDir;
    });
    assert.equal(
      new Set(dirs).size,
      SETS.length,
      `round ${round}: every training reports its own folder (${dirs.join(', ')})`,
    );
    assert.deepEqual(fs.readdirSync(out).sort(), dirs.map((d) => path.basename(d)).sort(), 'no other folder appeared');
    for (const [i, dir] of dirs.entries()) {
      const read = (f: string) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as Record<string, unknown>;
      assert.deepEqual(read('labels.json'), SETS[i], `${dir}: labels of its own data set`);
      assert.equal(read('recipe.json').data, data[i]);
      assert.equal(read('run.json').status, 'finished');
      const model = await loadLayersModelFromFile(path.join(dir, 'model.json'));
      assert.equal(
        model.outputs[0].shape[1],
        SETS[i].length,
        `${dir}: the model has one output per class of its data set`,
      );
      model.dispose();
      assert.deepEqual(
        fs.readdirSync(dir).filter((f) => f.endsWith('.tmp')),
        [],
      );
      seen.add(dir);
    }
  }
  console.log(
    `concurrency: ${ROUNDS} rounds × ${SETS.length} trainings at once, ${seen.size} distinct run folders, each loadable with its own labels`,
  );
  assert.equal(seen.size, ROUNDS * SETS.length);
});

test('4 processes claiming 250 run folders each with one name and one timestamp, in lockstep, never share one', async () => {
  const out = path.join(work, 'claims');
  // Every process waits for the same instant; one that starts late only overlaps less (the outcome is checked, not the time).
  const startAt = Date.now() + 4000;
  const claims = await Promise.all(
    [0, 1, 2, 3].map(
      () =>
        new Promise<string[]>((resolve, reject) => {
          const child = spawn(
            process.execPath,
            ['--import', 'tsx', path.join(ROOT, 'test/helpers/claimRunDirs.ts'), out, String(startAt), '250'],
            { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
          );
          let text = '';
          child.stdout.on('data', (d: Buffer) => {
            text += d.toString();
          });
          child.on('close', (code) =>
            code === 0 ? resolve(JSON.parse(text) as string[]) : reject(new Error(`claimRunDirs exited ${code}`)),
          );
        }),
    ),
  );
  const all = claims.flat();
  const shared = all.length - new Set(all).size;
  console.log(`run folder claims: ${all.length} by 4 processes in lockstep, ${shared} given to two processes`);
  assert.equal(shared, 0);
  assert.equal(fs.readdirSync(out).length, 1000);
});
