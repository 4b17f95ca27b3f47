// A run of the source CNN: a small network trained from scratch on the images, the model of the
// "develop a model" approach (or, by sourceModel, a pixel baseline the automatic flow kept), with the same
// run folder, checkpoints and evaluation as a transfer run.
import path from 'node:path';
import type { Preprocessing, RunResult } from '../../shared/engineTypes';
import { imageInput } from '../../shared/inputSpec';
import type { Sample } from '../../shared/split';
import { AUTO, headSchedule } from '../../shared/autoFlow';
import { countParams } from '../models/layerInfo';
import { disposeModels } from '../models/disposeModels';
import { buildSourceCnn, SOURCE_FEATURE_LAYER } from '../models/sourceCnn';
import { fit } from './fitLoop';
import { buildPixelModel } from './pixelTrials';
import { scoreImages } from './predictions';
import { saveCheckpoint } from './runFolder';
import {
  budgetSeconds,
  finishModel,
  finishRun,
  fitCommon,
  exampleSources,
  readyToLearn,
  runInfo,
  startOrResume,
  type Prepared,
  type RunContext,
} from './runLifecycle';

export async function sourceRun(p: Prepared, ctx: RunContext): Promise<RunResult> {
  const { recipe, classes, runDir } = p;
  const prep: Preprocessing = {
    size: recipe.inputSize ?? [28, 28],
    channels: recipe.inputChannels ?? 3,
    scale: 'unit',
  };
  const pixels = recipe.sourceModel === 'pixels-linear' || recipe.sourceModel === 'pixels-mlp';
  await readyToLearn(p, imageInput(prep), pixels ? `the ${recipe.sourceModel} model` : 'the source CNN');
  const model = pixels
    ? buildPixelModel(recipe.sourceModel as 'pixels-linear' | 'pixels-mlp', prep, classes.length, recipe.seed)
    : buildSourceCnn(prep.size, prep.channels, classes.length, recipe.seed);
  await startOrResume(
    p,
    model,
    {
      ...runInfo(p, imageInput(prep), ctx.backend.detail, undefined),
      defaultFeatureLayer: pixels ? undefined : SOURCE_FEATURE_LAYER,
      title: `${pixels ? recipe.sourceModel : 'source CNN'} ${path.basename(runDir)}`,
    },
    ctx,
  );
  try {
    ctx.emit({ kind: 'stage', stage: 'training' });
    const started = Date.now();
    const params = countParams(model);
    const done = p.resume?.history ?? [];
    const fitted = await fit({
      ...fitCommon(recipe, ctx),
      deadline: recipe.epochs === AUTO ? started + budgetSeconds(recipe) * 1000 : undefined,
      model,
      which: 'transfer',
      phase: 1,
      epochs: headSchedule(recipe).epochs,
      firstEpoch: done.length + 1,
      earlier: done,
      learningRate: recipe.learningRate,
      ...exampleSources(p, imageInput(prep)),
      afterEpoch: (m, h) =>
        saveCheckpoint(runDir, model, { model: 'source', phase: 1, epoch: m.epoch, history: [...done, ...h] }),
    });
    const history = [...done, ...fitted.history];
    const cancelled = fitted.cancelled;
    const score = (samples: readonly Sample[]) =>
      scoreImages(model, samples, prep, classes.length, recipe.batchSize, p.skips, ctx.signal);
    const result = await finishModel(p, ctx, history, cancelled, score, Date.now() - started, params);
    return await finishRun(p, ctx, model, cancelled, result, undefined, undefined);
  } finally {
    disposeModels([model]);
  }
}
