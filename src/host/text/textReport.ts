// A text run's report for the panel: the evaluation text-run.json keeps (confusion matrix, per-class
// figures), the models it tried against the baselines, and its misclassified texts as words.
import * as fs from 'node:fs';
import { readFileBounded } from '../../io/boundedRead';
import { LIMITS } from '../../shared/limits';
import type { EvaluationView, MisclassifiedText } from '../../shared/panelProtocol';
import { normaliseText } from '../../shared/text/textNormalise';
import type { TextRunRecord } from '../../shared/text/textRunRecord';

/** How many misclassified texts the panel lists, and how much of each. */
const TEXTS_SHOWN = 40;
const SNIPPET_CHARS = 240;

/** The panel's report of a text run; `freezeEmbedding`: the Layers tab's toggle for the next training. */
export function textEvaluationView(runDir: string, record: TextRunRecord, freezeEmbedding: boolean): EvaluationView {
  return {
    runDir,
    evaluatedOn: record.evaluatedOn,
    evaluation: record.evaluation,
    misclassified: [],
    transferHistory: [],
    text: {
      kept: record.kept,
      winner: record.winner,
      candidates: record.candidates,
      misclassified: record.evaluation.misclassified
        .slice(0, TEXTS_SHOWN)
        .map((m): MisclassifiedText => ({ ...m, snippet: snippetOf(m.path) })),
      layers: record.layers,
      freezeEmbedding,
    },
  };
}

/** The start of an example file, normalised as the engine saw it; a table row or a gone file shows none. */
export function snippetOf(file: string): string {
  if (!fs.existsSync(file)) return '';
  try {
    const text = normaliseText(readFileBounded(file, LIMITS.maxTextFileBytes, 'text').toString('utf8'));
    return text.length > SNIPPET_CHARS ? `${text.slice(0, SNIPPET_CHARS - 1)}…` : text;
  } catch {
    return '';
  }
}
