// What a practitioner would try without transfer, as the honest comparison for a transfer run: the models the
// kind of data proposes (for images a small CNN and a linear model on pixels, see data/kinds/imageBaselines.ts),
// each trained from scratch on the same split for the same wall-clock time the transfer run took.
import { AUTO_MIN_PATIENCE } from '../../shared/autoFlow';
import type { ProgressEvent, TrainRecipe } from '../../shared/engineTypes';
import type { ModelResult } from '../../shared/evaluationTypes';
import type { SkipList } from '../data/batchStream';
import { imageBaselines } from '../data/kinds/imageBaselines';
import { imagePreprocessing } from '../../shared/inputSpec';
import type { Sample, Split } from '../../shared/split';
import type { CancelSignal } from '../../shared/engineError';
import { countParams } from '../models/layerInfo';
import { disposeModels } from '../models/disposeModels';
import { imageSource } from './batchSources';
import type { Scored } from './evaluation';
import { fit } from './fitLoop';
import { scoreImages } from './predictions';

/** A cap on epochs: the time budget ends the baselines, usually well before. */
const BASELINE_EPOCH_CAP = 1000;

/** What a model trained from scratch beside a transfer run works on: the run's recipe, split and events. */
export interface ScratchInput {
  recipe: TrainRecipe;
  split: Split;
  classes: number;
  skips: SkipList;
  signal: CancelSignal;
  emit: (e: ProgressEvent) => void;
}

export interface BaselineInput extends ScratchInput {
  /** Seconds each baseline may train: the transfer run's time. */
  seconds: number;
  /** Scores a trained baseline on the final split (test, or validation when there is none). */
  finish: (
    history: ModelResult['history'],
    cancelled: boolean,
    score: (s: readonly Sample[]) => Promise<Scored[]>,
    ms: number,
    params: { trainable: number; frozen: number },
  ) => Promise<ModelResult>;
}

/** Trains both baselines, each for the given seconds; in the order small CNN, linear. */
export async function trainBaselines(o: BaselineInput): Promise<{ name: string; result: ModelResult }[]> {
  const kinds = await imageBaselines(o.split.train, o.classes, o.recipe.seed);
  const out: { name: string; result: ModelResult }[] = [];
  for (const kind of kinds) {
    const model = kind.build();
    const prep = imagePreprocessing(kind.input);
    try {
      o.emit({
        kind: 'log',
        level: 'info',
        message: `Baseline without transfer: ${kind.name}, from scratch, for ${o.seconds.toFixed(0)} s (the transfer run's time)`,
      });
      const started = Date.now();
      const { history, cancelled } = await fit({
        model,
        which: 'scratch',
        phase: 1,
        epochs: BASELINE_EPOCH_CAP,
        openEnded: true,
        learningRate: o.recipe.learningRate,
        optimizer: o.recipe.optimizer,
        patience: Math.max(o.recipe.patience, AUTO_MIN_PATIENCE),
        signal: o.signal,
        emit: o.emit,
        afterEpoch: async () => '',
        deadline: started + o.seconds * 1000,
        train: imageSource(o.split.train, prep, o.classes, o.recipe.batchSize, o.recipe.seed, o.skips),
        validation: imageSource(o.split.validation, prep, o.classes, o.recipe.batchSize, o.recipe.seed, o.skips),
      });
      const score = (s: readonly Sample[]) =>
        scoreImages(model, s, prep, o.classes, o.recipe.batchSize, o.skips, o.signal);
      out.push({
        name: kind.name,
        result: await o.finish(history, cancelled, score, Date.now() - started, countParams(model)),
      });
      if (cancelled) break;
    } finally {
      disposeModels([model]);
    }
  }
  return out;
}

/** The plain verdict: which model scored best on the final split, transfer included. */
export function baselineVerdict(
  transfer: ModelResult,
  baselines: readonly { name: string; result: ModelResult }[],
): string {
  const all = [{ name: 'transfer', result: transfer }, ...baselines];
  const best = all.reduce((a, b) => (b.result.evaluation.accuracy > a.result.evaluation.accuracy ? b : a));
  const on = transfer.evaluatedOn;
  const figures = all.map((m) => `${m.name} ${(m.result.evaluation.accuracy * 100).toFixed(1)}%`).join(', ');
  return best.name === 'transfer'
    ? `Transfer wins on the ${on} split (${figures}).`
    : `Transfer loses: ${best.name} from scratch scores best on the ${on} split (${figures}) in the same time.`;
}
