// The user's ONNX sentence encoder as a text base, checked against sentence-transformers itself: a random BERT
// made from one init as a torch sentence-transformers folder and its ONNX export (test/python/
// make_text_encoder.py) must give the same token ids (Python `tokenizers` through sentence-transformers,
// truncation included) and the same normalised sentence vectors; a run trained on it predicts, caches its
// vectors, and refuses an encoder whose files changed.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { makeRandomEncoder, TINY_ENCODER_SHAPE } from '../../src/bench/text/randomEncoder';
import { sotuSentences } from '../../src/samples/textSets';
import { normaliseText } from '../../src/shared/text/textNormalise';
import { encodeCached } from '../../src/trainer/text/encoderCache';
import { predictTextRun, probeTextRun, trainTextRun } from '../../src/trainer/text/encoderText';
import { exportAnyRun } from '../../src/trainer/text/textExport';
import { openSentenceEncoder } from '../../src/trainer/text/sentenceEncoder';
import { fixture, ROOT, tempDir } from '../helpers/fixtures';
import { runPython, skipWithoutPython, testPython } from '../helpers/python';
import { csvQuote } from '../helpers/textTables';

/** float32 rounding over a few hundred multiply-adds, in two runtimes. */
const TOLERANCE = 1e-5;
const skip = skipWithoutPython();
const work = tempDir('text-encoder');
after(() => fs.rmSync(work, { recursive: true, force: true }));
let encoderDir = '';

/** Held-out sentences, texts that probe the tokenizer, and two longer than the encoder's 24 tokens. */
const TEXTS = [
  ...sotuSentences()
    .slice(2000, 2006)
    .map((e) => e.text),
  'getUserName failed in src/cli/main_loop.ts after HTTPServer restarted (md5sum a1b2)',
  'Café naïve résumé: İstanbul ﬁnances ½ of the budget — 中文字符 and “quotes”',
  'zzqxv qqxzz',
  Array.from({ length: 60 }, (_, i) => `word${i}`).join(' '),
  // Long words of one token each: the first prefixes tried hold too few tokens, so the tokenizer reads more.
  Array.from({ length: 40 }, () => 'administration').join(' '),
].map(normaliseText);

before(() => {
  if (skip) return;
  const cache = path.join(work, 'py-cache');
  encoderDir = makeRandomEncoder(testPython()!, ROOT, fixture('text-encoders/tiny'), TINY_ENCODER_SHAPE, cache);
});

test('our ids and vectors match sentence-transformers (torch) on the same random BERT', { skip }, async (t) => {
  const textsFile = path.join(work, 'texts.json');
  fs.writeFileSync(textsFile, JSON.stringify(TEXTS));
  const py = JSON.parse(runPython(path.join(ROOT, 'test/python/run_text_encoder.py'), [encoderDir, textsFile]));
  const encoder = await openSentenceEncoder(encoderDir);
  try {
    assert.equal(encoder.meta.maxLength, py.maxLength);
    const ours = await encoder.encode(TEXTS);
    assert.ok(
      py.ids.some((ids: number[]) => ids.length === TINY_ENCODER_SHAPE.maxLength),
      'one text is cut',
    );
    let worst = 0;
    ours.forEach((v, i) => {
      assert.equal(v.length, py.embeddings[i].length);
      v.forEach((x, d) => (worst = Math.max(worst, Math.abs(x - py.embeddings[i][d]))));
    });
    assert.ok(worst <= TOLERANCE, `max |Δ| ${worst}`);
    t.diagnostic(`max |Δ| against sentence-transformers: ${worst.toExponential(1)}`);
    // The ids too: a tokenizer mismatch could hide in a random model's near-equal vectors.
    const { encoderTokenizer } = await import('../../src/trainer/text/encoderTokenizer');
    const tokenizerJson = JSON.parse(fs.readFileSync(path.join(encoderDir, 'tokenizer.json'), 'utf8'));
    const config = JSON.parse(fs.readFileSync(path.join(encoderDir, 'tokenizer_config.json'), 'utf8'));
    const tokenizer = encoderTokenizer(tokenizerJson, config, encoder.meta.maxLength);
    assert.deepEqual(
      TEXTS.map((text) => tokenizer.encode(text).ids),
      py.ids,
    );
  } finally {
    await encoder.dispose();
  }
});

test('a text run on the encoder predicts, reuses cached vectors, and refuses changed files', { skip }, async () => {
  // A copy, so changing its metadata below leaves the shared fixture alone.
  const copy = path.join(work, 'encoder');
  fs.cpSync(encoderDir, copy, { recursive: true });
  const rows = sotuSentences().filter((e) => ['Whig', 'Democratic'].includes(e.label));
  const pick = (label: string) => rows.filter((e) => e.label === label).slice(0, 30);
  const csv = path.join(work, 'sotu.csv');
  const lines = [...pick('Whig'), ...pick('Democratic')].map((e) => `${csvQuote(e.text)},${e.label}`);
  fs.writeFileSync(csv, ['text,label', ...lines].join('\n'));
  const cacheDir = path.join(work, 'cache');
  const logs: string[] = [];
  const params = { source: csv, columns: {}, model: 'auto' as const, outputDir: path.join(work, 'runs'), seed: 1 };
  const run = await trainTextRun(
    { ...params, validationSplit: 0.2, testSplit: 0.2, base: copy, cacheDir },
    (e) => e.kind === 'log' && logs.push(e.message),
  );
  assert.equal(run.kept, 'encoder');
  assert.ok(
    run.candidates.some((c) => c.baseline),
    'the baselines ran on the same split',
  );
  const info = JSON.parse(fs.readFileSync(path.join(run.runDir, 'run.json'), 'utf8'));
  assert.equal(info.base, copy);
  assert.equal(info.input.tokenizer.type, 'wordpiece');
  assert.ok(
    logs.some((l) => / 60 texts \(60 computed, 0 cached\)/.test(l)),
    logs.join('\n'),
  );

  const encoder = await openSentenceEncoder(copy);
  try {
    const texts = lines.map((_, i) => rows[i].text);
    const cached = await encodeCached(encoder, texts.slice(0, 10), cacheDir);
    assert.equal(cached.computed, 0);
    assert.deepEqual(cached.vectors, await encoder.encode(texts.slice(0, 10)));
  } finally {
    await encoder.dispose();
  }

  // Compare Bases: the encoder as a third row, scored on the same held-out texts as GloVe and lexical.
  const probe = await probeTextRun({
    source: csv,
    columns: {},
    seed: 1,
    validationSplit: 0.3,
    encoder: copy,
    cacheDir,
  });
  assert.deepEqual(
    probe.rows.map((r) => r.base),
    ['glove', 'lexical', 'encoder'],
  );
  const held = probe.rows.map((r) => r.correct.length);
  assert.ok(held[2] > 0 && held.every((n) => n === held[0]));
  assert.ok(probe.rows[2].secondsPerImage > 0 && probe.rows[2].params > 0);

  const items = [{ path: '--text', text: TEXTS[0] }];
  const [prediction] = await predictTextRun(run.runDir, items);
  assert.ok(run.classes.includes(prediction.label));
  await assert.rejects(exportAnyRun({ runDir: run.runDir, format: 'onnx' }), /run on an ONNX encoder does not export/);
  const modules = JSON.parse(fs.readFileSync(path.join(copy, 'modules.json'), 'utf8')) as { type: string }[];
  fs.writeFileSync(path.join(copy, 'modules.json'), JSON.stringify(modules.filter((m) => !/Normalize/.test(m.type))));
  await assert.rejects(predictTextRun(run.runDir, items), /files changed since this run was trained/);
});
