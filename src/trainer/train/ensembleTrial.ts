// The automatic flow's ensemble trial (issue 29): the kept transfer model and a small MLP on the base's input
// average-pooled to about the data's own resolution, their probabilities averaged. On small grey images the
// two err on different images (Fashion-MNIST, 3,000 images, from the cached features: the head at
// block_13_expand_relu 0.857 on the test images, a pixel MLP 0.848, both averaged 0.878), and a validation
// split of a few hundred images cannot tell the two apart reliably. The saved model is one graph on the base's
// input (the pixel branch pools it), so inference, export and the panel read it as any transfer model.
import { AUTO_ENSEMBLE_BUDGET_SHARE, betterOnValidation, ensemblePoolSize } from '../../shared/autoFlow';
import { headImprovement, headSchedule } from '../../shared/autoFlow';
import type { Trial } from '../../shared/evaluationTypes';
import type { Sample } from '../../shared/split';
import { baselineInput } from '../data/kinds/imageBaselines';
import { countParams } from '../models/layerInfo';
import * as tf from '../tf';
import { keptEpoch } from './autoFineTune';
import { featureSource } from './batchSources';
import { pooledInputName } from './cutFeatures';
import type { Scored } from './evaluation';
import { fit } from './fitLoop';
import type { HeadOutcome } from './headPhase';
import { buildPixelModel, PIXEL_TRIALS_MAX_BYTES } from './pixelTrials';
import { scoreFeatures } from './predictions';
import type { Scorer, TransferContext, TransferState } from './transferContext';

/** An ensemble that beat every trial before it: the model the run saves, and how to score it. */
export interface EnsembleWinner {
  model: tf.LayersModel;
  trial: Trial;
  score: Scorer;
  params: { trainable: number; frozen: number };
}

/** The pool size of the ensemble's pixel branch, or undefined when the pooled pixels would not fit in memory. */
export async function ensembleInputPool(run: TransferContext): Promise<[number, number] | undefined> {
  const own = await baselineInput(run.split.train);
  const pool = ensemblePoolSize(run.input.size, own.size);
  const [h, w] = pooledSide(run, pool);
  const bytes = run.all.length * h * w * run.input.channels * 4;
  return bytes > PIXEL_TRIALS_MAX_BYTES ? undefined : pool;
}

const pooledSide = (run: TransferContext, pool: readonly [number, number]) =>
  [Math.floor(run.input.size[0] / pool[0]), Math.floor(run.input.size[1] / pool[1])] as const;

/**
 * Trains the pixel MLP for its share of the budget and judges the average against `best` on validation;
 * returns the trial, and the combined model when it won. Undefined when the pooled pixels were not cached.
 */
export async function ensembleTrial(
  run: TransferContext,
  state: TransferState,
  head: HeadOutcome,
  best: Trial,
): Promise<{ trial: Trial; winner?: EnsembleWinner; cancelled: boolean } | undefined> {
  const pool = head.inputPool;
  const pixels = pool && head.atCuts?.byCut.get(pooledInputName(pool));
  const features = head.atCuts?.byCut.get(state.plan.featureLayer) ?? head.features;
  if (!pool || !pixels || !features) return undefined;
  const { recipe, split, classes } = run;
  const started = Date.now();
  const [h, w] = pooledSide(run, pool);
  const shape = [h, w, run.input.channels];
  const mlp = buildPixelModel(
    'pixels-mlp',
    { size: [h, w], channels: run.input.channels, scale: 'unit' },
    classes.length,
    recipe.seed,
    'ensemble_',
  );
  state.replaced.push(mlp);
  const source = (samples: readonly Sample[]) =>
    featureSource(samples, pixels, shape, classes.length, recipe.batchSize, recipe.seed);
  const fitted = await fit({
    model: mlp,
    which: 'transfer',
    phase: 1,
    ...headSchedule(recipe),
    relativeImprovement: headImprovement(recipe),
    learningRate: recipe.learningRate,
    optimizer: recipe.optimizer,
    train: source(split.train),
    validation: source(split.validation),
    signal: run.signal,
    emit: () => undefined, // the branch's epochs are not the run's curves
    afterEpoch: async () => '',
    deadline: Math.min(head.budget.end, head.budget.share(AUTO_ENSEMBLE_BUDGET_SHARE)),
  });
  const score: Scorer = async (samples) => {
    const k = classes.length;
    const transfer = await scoreFeatures(
      state.tm.head,
      samples,
      features,
      state.tm.featureShape,
      k,
      recipe.batchSize,
      run.signal,
    );
    return averaged(transfer, await scoreFeatures(mlp, samples, pixels, shape, k, recipe.batchSize, run.signal));
  };
  const pixelsOnly = keptEpoch(fitted.history, fitted.stoppedEarly, headImprovement(recipe));
  const m = fitted.cancelled ? undefined : figuresOf(await score(split.validation));
  const kept = m !== undefined && betterOnValidation(m, bestFigures(best));
  const trial: Trial = {
    name: 'head + pixels MLP',
    kind: 'transfer',
    cut: state.plan.featureLayer,
    detail:
      `probabilities of the kept transfer model and of an MLP (hidden layer of 128) on the base's input ` +
      `average-pooled to ${h}×${w} (${fitted.history.length} epochs, alone: validation accuracy ` +
      `${pixelsOnly?.valAccuracy.toFixed(3) ?? '?'}), averaged`,
    epochs: fitted.history.length,
    valAccuracy: m?.valAccuracy,
    valLoss: m?.valLoss,
    seconds: (Date.now() - started) / 1000,
    outcome: 'not kept',
    reason: m
      ? `validation ${figures(m.valAccuracy, m.valLoss)} ${kept ? 'beats' : 'does not beat'} ${best.name}'s ${figures(best.valAccuracy, best.valLoss)}`
      : 'cancelled',
    budgetLeft: head.budget.left(),
  };
  run.emit({ kind: 'log', level: 'info', message: `Automatic flow: ${trial.name}: ${trial.reason}` });
  if (!kept) return { trial, cancelled: fitted.cancelled };
  const model = ensembleModel(state.tm.full, mlp, pool);
  return { trial, winner: { model, trial, score, params: countParams(model) }, cancelled: false };
}

/** One graph on the base's input: the transfer model, and the MLP on that input pooled; outputs averaged. */
export function ensembleModel(
  full: tf.LayersModel,
  mlp: tf.LayersModel,
  pool: readonly [number, number],
): tf.LayersModel {
  const input = full.inputs[0];
  const avg = tf.layers.averagePooling2d({ poolSize: [...pool], strides: [...pool], name: 'ensemble_input_pool' });
  // The MLP's own layers (not its input layer) once more on the pooled input: the same weights.
  const pixels = mlp.layers
    .slice(1)
    .reduce((x, l) => l.apply(x) as tf.SymbolicTensor, avg.apply(input) as tf.SymbolicTensor);
  const output = tf.layers.average({ name: 'ensemble_average' }).apply([full.outputs[0], pixels]) as tf.SymbolicTensor;
  return tf.model({ name: 'ensemble', inputs: input, outputs: output });
}

/** Both models' probabilities averaged, for the samples both scored. */
export function averaged(a: readonly Scored[], b: readonly Scored[]): Scored[] {
  const other = new Map(b.map((s) => [s.path, s.probs]));
  return a.flatMap((s) => {
    const q = other.get(s.path);
    return q ? [{ ...s, probs: Array.from(s.probs, (p, i) => (p + q[i]) / 2) }] : [];
  });
}

/** Validation accuracy and loss (cross-entropy, clipped like Keras') of scored samples. */
export function figuresOf(scored: readonly Scored[]): { valAccuracy: number; valLoss: number } {
  let correct = 0;
  let loss = 0;
  for (const s of scored) {
    const probs = Array.from(s.probs);
    const top = probs.indexOf(Math.max(...probs));
    if (top === s.label) correct++;
    loss -= Math.log(Math.min(1 - 1e-7, Math.max(1e-7, s.probs[s.label])));
  }
  const n = Math.max(1, scored.length);
  return { valAccuracy: correct / n, valLoss: loss / n };
}

const figures = (acc?: number, loss?: number) => `accuracy ${acc?.toFixed(3) ?? '?'}, loss ${loss?.toFixed(3) ?? '?'}`;

function bestFigures(t: Trial): { valAccuracy: number; valLoss: number } {
  return { valAccuracy: t.valAccuracy ?? -Infinity, valLoss: t.valLoss ?? Infinity };
}
