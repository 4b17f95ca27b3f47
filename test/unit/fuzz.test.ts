// Fuzzing with a fixed seed: the dataset scanner and the recipe reader meet arbitrary input and either
// succeed or fail with a message written for the user — never with an unexpected exception.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { CliError } from '../../src/cli/cliError';
import { recipeFromArgs } from '../../src/cli/trainArgs';
import { scanDataset } from '../../src/trainer/data/datasetScanner';
import { EngineError } from '../../src/shared/engineError';
import { tempDir } from '../helpers/fixtures';

const SEED = 20261127;

test('fuzz: the dataset scanner accounts for every file of arbitrary folders', async () => {
  const name = fc.stringMatching(/^[^/\0]{1,24}$/).filter((n) => n !== '.' && n !== '..');
  const file = fc.record({
    name,
    ext: fc.constantFrom('.png', '.jpg', '.gif', '.bmp', '.txt', '', '.PNG'),
    bytes: fc.uint8Array({ maxLength: 64 }),
  });
  const tree = fc.array(fc.record({ cls: name, files: fc.array(file, { maxLength: 4 }) }), {
    minLength: 1,
    maxLength: 4,
  });
  let runs = 0;
  await fc.assert(
    fc.asyncProperty(tree, async (classes) => {
      runs++;
      const root = tempDir('fuzz');
      try {
        const written = new Set<string>();
        for (const c of classes) {
          fs.mkdirSync(path.join(root, c.cls), { recursive: true });
          for (const f of c.files) {
            const p = path.join(root, c.cls, f.name + f.ext);
            if (fs.existsSync(p) && fs.statSync(p).isDirectory()) continue;
            fs.writeFileSync(p, f.bytes);
            written.add(p);
          }
        }
        const scan = await scanDataset(root);
        const seen = new Set([...scan.classes.flatMap((c) => c.files), ...scan.skipped.map((s) => s.path)]);
        for (const p of written) {
          const hidden = path
            .relative(root, p)
            .split(path.sep)
            .some((part) => part.startsWith('.'));
          assert.ok(hidden || seen.has(p), `${p} is neither used nor reported`);
        }
        for (const c of scan.classes) for (const f of c.files) assert.ok(fs.statSync(f).size > 0);
      } catch (e) {
        if (!(e instanceof EngineError)) throw e;
      } finally {
        fs.rmSync(root, { recursive: true, force: true });
      }
    }),
    { seed: SEED, numRuns: 150 },
  );
  console.log(`dataset scanner fuzz: ${runs} folder trees, 0 unexpected failures`);
});

test('fuzz: the recipe reader turns any file into a recipe or one clear error', () => {
  const dir = tempDir('fuzz-recipe');
  const file = path.join(dir, 'x.recipe.yaml');
  const yamlish = fc.oneof(
    fc.string({ maxLength: 200 }),
    fc
      .dictionary(
        fc.constantFrom(
          'epochs',
          'batchSize',
          'learningRate',
          'validationSplit',
          'testSplit',
          'seed',
          'patience',
          'base',
          'data',
          'mode',
          'head',
          'freeze',
        ),
        fc.oneof(
          fc.integer(),
          fc.double(),
          fc.string(),
          fc.boolean(),
          fc.constant(null),
          fc.array(fc.integer(), { maxLength: 3 }),
        ),
      )
      .map((o) =>
        Object.entries(o)
          .map(([k, v]) => `${k}: ${JSON.stringify(v)}`)
          .join('\n'),
      ),
    fc.constant(
      'a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]',
    ),
  );
  let runs = 0;
  fc.assert(
    fc.property(yamlish, (text) => {
      runs++;
      fs.writeFileSync(file, text);
      try {
        const r = recipeFromArgs(dir, { recipe: file });
        assert.ok(r.epochs === 'auto' || (Number.isInteger(r.epochs) && r.epochs >= 1));
      } catch (e) {
        if (!(e instanceof CliError)) throw e;
        assert.doesNotMatch(e.message, /\n\s+at /);
      }
    }),
    { seed: SEED, numRuns: 500 },
  );
  console.log(`recipe reader fuzz: ${runs} files, 0 unexpected failures`);
});
