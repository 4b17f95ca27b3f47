// The editor's side of text (issue 26), without VS Code: which columns a table's header suggests and how it is
// read, how a prediction is worded (one line, and a multi-line selection's table), and a real text run read
// back through the one reader into the panel's report, misclassified texts included.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sotuSentences } from '../../src/samples/textSets';
import { listTextRuns, readTextRun } from '../../src/io/textRuns';
import { readTableHeader } from '../../src/io/textSource';
import { textEvaluationView } from '../../src/host/text/textReport';
import { EngineError } from '../../src/shared/engineError';
import { seededRandom, shuffled } from '../../src/shared/seededRandom';
import { linesReport, scoreLine } from '../../src/shared/text/predictionLines';
import { suggestedColumns } from '../../src/shared/text/textColumnNames';
import { TEXT_RUN_FILE } from '../../src/shared/text/textFiles';
import { trainText } from '../../src/trainer/text/textRun';
import { previewText } from '../../src/trainer/text/textPreview';
import { tempDir } from '../helpers/fixtures';

const work = tempDir('text-editor');
after(() => fs.rmSync(work, { recursive: true, force: true }));
const write = (name: string, content: string) => {
  const file = path.join(work, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
  return file;
};

describe('the column pick', () => {
  it('suggests the usual names first, whatever their case and place', () => {
    assert.deepEqual(suggestedColumns(['id', 'Label', 'Body']), { text: 2, label: 1 });
    assert.deepEqual(suggestedColumns(['party', 'sentence']), { text: 1, label: 0 });
    assert.deepEqual(suggestedColumns(['label', 'b']), { text: 1, label: 0 });
    assert.deepEqual(suggestedColumns(['a', 'b', 'c']), { text: 0, label: 1 });
  });

  it('reads the header of CSV (BOM, quotes), TSV and JSONL; a binary file gives none', () => {
    assert.deepEqual(readTableHeader(write('a.csv', '\uFEFF"the text","a, label"\n"x",y\n')), ['the text', 'a, label']);
    assert.deepEqual(readTableHeader(write('a.tsv', 'text\tintent\nhi\tgreet\n')), ['text', 'intent']);
    assert.deepEqual(readTableHeader(write('a.jsonl', '\n{"body":"x","topic":"y"}\n')), ['body', 'topic']);
    assert.deepEqual(readTableHeader(write('b.jsonl', '[1,2]\n')), []);
  });
});

describe('the words of a prediction', () => {
  const p = { path: 'a.md:3', label: 'bug', confidence: 0.9, scores: { bug: 0.9, docs: 0.03, feature: 0.07 } };

  it('names the label, its score and the runners-up best first', () => {
    assert.equal(scoreLine(p), 'bug 90.0 % (then feature 7.0 %, docs 3.0 %)');
  });

  it('puts one row per line in a table, pipes escaped and long lines cut', () => {
    const report = linesReport('notes.md', 'run-1', [
      { line: 3, text: 'a | b', prediction: p },
      { line: 4, text: 'x'.repeat(200), prediction: { ...p, label: 'docs', confidence: 0.5 } },
    ]);
    assert.match(report, /^# Classified with run-1/);
    assert.match(report, /\| 3 \| bug \| 90\.0 % \| feature 7\.0 %, docs 3\.0 % \| a \\\| b \|/);
    assert.ok(report.split('\n').every((line) => line.length < 200));
  });
});

describe('a text run read back for the editor', () => {
  let runDir: string;
  before(() => {
    // Sentences of two parties from the State of the Union: hard enough that some are misclassified.
    const random = seededRandom(5);
    const all = sotuSentences();
    for (const party of ['Democratic', 'Republican']) {
      const picked = shuffled(
        all.filter((e) => e.label === party),
        random,
      ).slice(0, 40);
      picked.forEach((e, i) => write(`speeches/${party}/${i}.txt`, e.text));
    }
    runDir = trainText(
      {
        source: path.join(work, 'speeches'),
        columns: {},
        model: 'auto',
        outputDir: path.join(work, 'runs'),
        seed: 1,
        validationSplit: 0.2,
        testSplit: 0.2,
      },
      () => undefined,
    ).runDir;
  });

  it('lists it and reports its misclassified texts as words, with their scores', () => {
    const [listed] = listTextRuns([path.join(work, 'runs'), path.join(work, 'nowhere')]);
    assert.equal(listed.dir, runDir);
    const view = textEvaluationView(runDir, listed.record, true);
    assert.ok(view.text, 'a text report');
    // The Layers tab gets the kept model's layers as recorded, and the toggle for the next training.
    assert.equal(view.text.layers?.kind, listed.record.kept);
    assert.equal(view.text.freezeEmbedding, true);
    const wrong = listed.record.evaluation.misclassified;
    assert.ok(wrong.length > 0, 'two parties of sentences: some are misclassified');
    assert.equal(view.text.misclassified.length, Math.min(wrong.length, 40));
    const first = view.text.misclassified[0];
    assert.equal(first.snippet.slice(0, 20), fs.readFileSync(first.path, 'utf8').trim().slice(0, 20));
    assert.notEqual(first.actual, first.predicted);
    assert.ok(view.text.candidates.some((c) => c.baseline));
  });

  it('names the file and field of a damaged text-run.json, and leaves that run out of listings', () => {
    const file = path.join(runDir, TEXT_RUN_FILE);
    const saved = fs.readFileSync(file, 'utf8');
    try {
      fs.writeFileSync(file, JSON.stringify({ ...JSON.parse(saved), evaluatedOn: 'train' }));
      assert.throws(
        () => readTextRun(runDir),
        (e: Error) => e instanceof EngineError && e.message.includes(file),
      );
      assert.deepEqual(listTextRuns([path.join(work, 'runs')]), []);
    } finally {
      fs.writeFileSync(file, saved);
    }
  });
});

describe('the Dataset tab of a text dataset', () => {
  it('counts, lengths, snippets, duplicates apart from other skips, and the split a training makes', () => {
    const dir = path.join(work, 'tickets');
    write('tickets/bug/a.txt', 'The app crashes when I open the settings page.');
    write('tickets/bug/b.txt', 'the app crashes when i open the settings page.');
    write('tickets/bug/c.txt', 'The app crashes when I open the settings page.');
    write('tickets/bug/d.txt', `${'Crash '.repeat(300)}on save.`);
    write('tickets/idea/a.md', 'Please add a dark theme.');
    write('tickets/idea/b.md', 'The app crashes when I open the settings page.\n');
    write('tickets/idea/c.md', 'Export to CSV would help.');
    write('tickets/idea/d.txt', '\u0000binary');
    write('tickets/idea/e.json', '{}');
    const view = previewText({ source: dir, columns: {}, validationSplit: 0.25, testSplit: 0, seed: 1 });
    assert.deepEqual(
      view.classes.map((c) => [c.name, c.count, c.lengths]),
      [
        ['bug', 2, [1, 0, 0, 0, 0, 1]],
        ['idea', 2, [2, 0, 0, 0, 0, 0]],
      ],
    );
    assert.equal(view.classes[1].snippets[0].text, 'Please add a dark theme.');
    assert.equal(view.duplicateCount, 3, 'a.txt, its copy c.txt and b.md: one text under two labels');
    assert.deepEqual(view.skipped.map((s) => path.basename(s.path)).sort(), ['d.txt', 'e.json']);
    assert.deepEqual(view.split, { train: 2, validation: 2, test: 0 });
  });
});
