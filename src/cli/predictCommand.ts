// `predict`: images, folders and globs, sent to the trainer in bounded batches. Every image gets one line as
// soon as its batch is done, a prediction or the reason it could not be read; the call goes on either way.
import * as P from '../shared/trainerProtocol';
import { isPredictionFailure, type Prediction, type PredictionFailure } from '../shared/engineTypes';
import type { CommandContext } from './commandSpec';
import { EXIT } from './exitCodes';
import { expandImageInputs } from './imageInputs';
import { pct } from './progressView';

export async function runPredict(ctx: CommandContext, runDir: string, inputs: string[]): Promise<number> {
  const images = expandImageInputs(inputs);
  const client = ctx.client();
  let failed = 0;
  for (let start = 0; start < images.length; start += P.PREDICT_BATCH_LIMIT) {
    const outcomes = await client.sendRequest(
      P.predictEach,
      { runDir, images: images.slice(start, start + P.PREDICT_BATCH_LIMIT) },
      ctx.token,
    );
    for (const o of outcomes) {
      if (isPredictionFailure(o)) failed++;
      ctx.view.item('prediction', o, predictionLine(o));
    }
  }
  const summary = {
    images: images.length,
    predicted: images.length - failed,
    failed,
  };
  ctx.view.result(
    summary,
    failed
      ? `${failed} of ${images.length} image(s) could not be read (see their lines above).`
      : `${images.length} image(s) predicted.`,
  );
  return failed ? EXIT.failed : EXIT.ok;
}

/** "path: label (97.1%)" or "path: error: reason" — one line per image, easy to grep. */
export function predictionLine(o: Prediction | PredictionFailure): string {
  return isPredictionFailure(o) ? `${o.path}: error: ${o.error}` : `${o.path}: ${o.label} (${pct(o.confidence)})`;
}
