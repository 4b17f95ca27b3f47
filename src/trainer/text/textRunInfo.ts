// A text run's files of the one run-folder contract (src/shared/runFiles.ts): run.json version 2 with a
// text input, labels.json, evaluation.json and skipped.json, as image runs have them, so the Runs view, the
// host and the CLI read text runs with the same reader. The kept model itself is text-model.json.
import { createHash } from 'node:crypto';
import type { RunTimings, SkippedFile } from '../../shared/engineTypes';
import type { Evaluation, Trial } from '../../shared/evaluationTypes';
import type { TextInput } from '../../shared/inputSpec';
import { LIMITS } from '../../shared/limits';
import { RUN_INFO_VERSION, type RunInfo } from '../../shared/runFiles';
import { TEXT_MODEL_FILE } from '../../shared/text/textFiles';
import { textVerdict } from '../../shared/text/textVerdict';
import type { TextCandidate, TextRunResult } from '../../shared/text/textProtocol';
import { runFile } from '../../io/runFiles';
import { writeJsonAtomic } from '../models/modelFiles';
import { writeEvaluation, writeSkipped } from '../train/runFolder';
import type { LexicalState } from '../data/text/lexicalFeatures';
import { WORD_VECTORS_FILE } from './wordVectors';

/** The built-in vectors as a run's base. */
export const TEXT_BASE = 'glove-100d';

/**
 * What the frozen text models read: words (identifiers split) over the built-in GloVe vocabulary, the whole
 * text up to LIMITS.maxTextChars, and when the kept model has a lexical part, its fitted IDF.
 */
export function frozenTextInput(lexical: LexicalState | undefined): TextInput {
  const input: TextInput = {
    kind: 'text',
    maxLength: LIMITS.maxTextChars,
    tokenizer: { type: 'words', vocabulary: TEXT_BASE, vocabularyKey: WORD_VECTORS_FILE, padId: 0, unknownId: 1 },
  };
  if (lexical) {
    const terms = lexical.idf.reduce((n, v) => (v > 0 ? n + 1 : n), 0);
    const key = createHash('sha256').update(new Uint8Array(lexical.idf.buffer)).digest('hex').slice(0, 32);
    input.lexical = { ngrams: [1, 2], maxTerms: terms, fitted: { file: TEXT_MODEL_FILE, key, terms } };
  }
  return input;
}

/** The candidates as the automatic flow's trials (baselines are not trials: evaluation.json names them). */
function trials(candidates: readonly TextCandidate[], kept: string, because: string | undefined): Trial[] {
  const best = candidates.find((c) => c.name === kept)!;
  return candidates
    .filter((c) => !c.baseline)
    .map((c) => ({
      name: c.name,
      detail: 'frozen features + logistic head',
      epochs: 0,
      valAccuracy: c.validationAccuracy,
      seconds: c.seconds,
      outcome: c.name === kept ? 'kept' : 'not kept',
      reason:
        c.name === kept
          ? `validation accuracy ${c.validationAccuracy.toFixed(3)}: ${because ?? 'the best'}`
          : `validation accuracy ${c.validationAccuracy.toFixed(3)}, kept ${best.validationAccuracy.toFixed(3)}`,
    }));
}

export function writeTextRunFiles(
  r: TextRunResult,
  input: TextInput,
  timings: RunTimings,
  skipped: SkippedFile[],
  evaluation: Evaluation,
  base = TEXT_BASE,
): void {
  const info: RunInfo = {
    version: RUN_INFO_VERSION,
    created: new Date().toISOString(),
    status: 'finished',
    mode: 'transfer',
    base,
    classes: r.classes,
    input,
    backend: 'js',
    trials: trials(r.candidates, r.kept, r.keptBecause),
    timings,
  };
  if (r.evaluatedOn === 'validation') info.evaluationNote = 'chosen and evaluated on the same validation split';
  writeJsonAtomic(runFile(r.runDir, 'info'), info);
  writeJsonAtomic(runFile(r.runDir, 'labels'), r.classes);
  const baselines = r.candidates
    .filter((c) => c.baseline)
    .map((c) => ({ name: c.name, accuracy: c.testAccuracy, trainSeconds: c.seconds }));
  writeEvaluation(r.runDir, { evaluatedOn: r.evaluatedOn, transfer: evaluation, baselines, verdict: verdictText(r) });
  writeSkipped(r.runDir, skipped);
}

function verdictText(r: TextRunResult): string {
  const v = textVerdict(r.kept, r.winner, r.candidates);
  const on = `on the ${r.evaluatedOn} split`;
  if (v.outcome === 'beaten') return `The baseline ${v.by} beat the kept model (${r.kept}) ${on}.`;
  if (v.outcome === 'tied') return `The kept model (${r.kept}) tied with ${v.with.join(', ')} ${on}.`;
  return `The kept model (${r.kept}) beat the baselines ${on}.`;
}
