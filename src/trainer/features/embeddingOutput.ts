// What every `embed` writes and reports, whatever the kind of data: the vectors as CSV and .npy, a JSON of
// what they are, and the accuracy of a light classifier fitted on 70 % of them (how separable they are).
import fs from 'node:fs';
import path from 'node:path';
import type { EmbedResult } from '../../shared/engineTypes';
import { EngineError } from '../../shared/engineError';
import { formatBytes, LIMITS } from '../../shared/limits';
import { stratifiedSplit } from '../../shared/split';
import { EMBED_FILES, type EmbedParams } from '../../shared/trainerProtocol';
import { writeJsonAtomic } from '../models/modelFiles';
import { writeEmbeddingCsv } from './embeddingCsv';
import { accuracy, KnnClassifier, LogisticRegression } from './lightClassifier';
import { matrixFromRows, writeNpy } from './npy';

/** A class and the examples (by path) it holds. */
export interface EmbeddedClass {
  name: string;
  files: string[];
}

/** The embedded examples: one vector per path, of `dims` values, and what the JSON says they are. */
export interface Embedded {
  classes: EmbeddedClass[];
  vectors: ReadonlyMap<string, Float32Array>;
  dims: number;
  /** Written into embeddings.json beside the classes and the rows: the base, its layer, its pooling. */
  about: Record<string, unknown>;
}

type Choices = Pick<EmbedParams, 'outDir' | 'classifier' | 'seed'>;

/** Writes the three files and fits the light classifier; `layer` names what the vectors are. */
export async function writeEmbedded(e: Embedded, p: Choices, layer: string): Promise<EmbedResult> {
  const classes = e.classes.map((c) => ({ ...c, files: c.files.filter((f) => e.vectors.has(f)) }));
  const kept = classes.flatMap((c) => c.files.map((f) => ({ path: f, label: c.name })));
  checkEmbeddingBytes(kept.length, e.dims);
  const rows = kept.map((s) => e.vectors.get(s.path)!);
  fs.mkdirSync(p.outDir, { recursive: true });
  const [csvPath, npyPath, jsonPath] = EMBED_FILES.map((f) => path.join(p.outDir, f));
  await writeEmbeddingCsv(
    csvPath,
    kept.map((s, i) => ({ ...s, features: rows[i] })),
  );
  await writeNpy(npyPath, matrixFromRows(rows, e.dims));
  writeJsonAtomic(jsonPath, { ...e.about, layer, classes: classes.map((c) => c.name), rows: kept });
  const result: EmbedResult = { layer, dims: rows[0]?.length ?? 0, count: rows.length, csvPath, npyPath };
  if (p.classifier === 'none') return result;
  const split = stratifiedSplit(classes, { validationSplit: 0.3, testSplit: 0, seed: p.seed });
  const model = p.classifier === 'knn' ? new KnnClassifier({ k: 5 }) : new LogisticRegression({ seed: p.seed });
  const of = (samples: typeof split.train) => samples.map((s) => e.vectors.get(s.path)!);
  model.fit(
    of(split.train),
    split.train.map((s) => s.label),
    classes.length,
  );
  const held = split.validation;
  const score = accuracy(
    model,
    of(held),
    held.map((s) => s.label),
  );
  result.classifier = { kind: p.classifier, accuracy: score, evaluatedOn: held.length };
  return result;
}

/** Refuses a matrix of `count` × `dims` float32 values beyond the limit, before anything is allocated. */
export function checkEmbeddingBytes(count: number, dims: number): void {
  const bytes = count * dims * 4;
  if (bytes > LIMITS.maxEmbeddingBytes)
    throw new EngineError(
      `${count} embeddings of ${dims} values are ${formatBytes(bytes)}, more than ` +
        `${formatBytes(LIMITS.maxEmbeddingBytes)}: embed fewer examples.`,
    );
}
