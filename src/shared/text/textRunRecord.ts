// text-run.json as the editor reads it: the run's result (TextRunResult) and the data it trained on. Checked
// field by field, since anyone may have edited the folder; pure, so host and tests share it.
import { EngineError } from '../engineError';
import type { TextLayerFacts } from './textLayers';
import type { TextColumnFlags, TextRunResult } from './textProtocol';

/** What a text run folder records beside its model. */
export interface TextRunRecord extends TextRunResult {
  /** The folder or table it trained on. */
  source: string;
  columns: TextColumnFlags;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string');

/** Why a text-run.json cannot be shown, or undefined. */
function problem(v: unknown): string | undefined {
  if (!isObject(v)) return 'it is not a JSON object';
  if (typeof v.source !== 'string') return 'source is missing';
  if (!isStrings(v.classes) || v.classes.length < 2) return 'classes must be a list of at least two names';
  if (typeof v.kept !== 'string' || typeof v.winner !== 'string') return 'kept or winner is missing';
  if (v.evaluatedOn !== 'test' && v.evaluatedOn !== 'validation') return 'evaluatedOn must be test or validation';
  if (!Array.isArray(v.candidates) || !v.candidates.every(isObject)) return 'candidates must be a list';
  const e = v.evaluation;
  if (!isObject(e) || typeof e.accuracy !== 'number' || !Number.isInteger(e.count)) return 'evaluation is missing';
  if (!isStrings(e.classes) || !Array.isArray(e.confusion) || !Array.isArray(e.perClass))
    return 'evaluation lacks its classes, confusion matrix or per-class figures';
  if (!Array.isArray(e.misclassified) || !e.misclassified.every((m) => isObject(m) && typeof m.path === 'string'))
    return 'evaluation.misclassified must be a list of examples';
  return undefined;
}

const isCount = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0;

/** The recorded layers, when they have the shape the Layers tab draws (else the tab has none to show). */
function layersOf(v: unknown): TextLayerFacts | undefined {
  if (!isObject(v) || typeof v.kind !== 'string' || !isCount(v.classes) || typeof v.gloveWeight !== 'number')
    return undefined;
  if (!isObject(v.vectors) || !isCount(v.vectors.words) || !isCount(v.vectors.dims)) return undefined;
  const counts = [v.gloveColumns, v.lexicalColumns, v.tunedWords].every((c) => c === undefined || isCount(c));
  const f = v.fused;
  const fused =
    f === undefined ||
    (isObject(f) &&
      isCount(f.columns) &&
      typeof f.scale === 'number' &&
      [undefined, 'rule', 'cross-validation'].includes(f.weighting as string));
  const e = v.encoder;
  const encoder =
    e === undefined ||
    (isObject(e) && typeof e.folder === 'string' && isCount(e.dims) && typeof e.pooling === 'string');
  return counts && fused && encoder ? (v as unknown as TextLayerFacts) : undefined;
}

/** text-run.json checked; throws a one-line EngineError naming the file and the field. */
export function checkTextRunRecord(value: unknown, file: string): TextRunRecord {
  const why = problem(value);
  if (why) throw new EngineError(`${file} is damaged: ${why}.`);
  const v = value as TextRunRecord;
  return { ...v, columns: isObject(v.columns) ? v.columns : {}, layers: layersOf(v.layers) };
}
