// A decoded batch as model input: one tensor per input, or the tensor itself when the model has one input
// (images), so single-input models see exactly what they always saw.
import * as tf from '../../tf';
import type { DecodedBatch } from './dataKind';

export function inputTensors(batch: DecodedBatch): tf.Tensor[] {
  return batch.inputs.map((a) => tf.tensor(a.data, a.shape, a.dtype));
}

/** One tensor for a one-input model, the list for a model with several inputs. */
export function modelInput(xs: tf.Tensor[]): tf.Tensor | tf.Tensor[] {
  return xs.length === 1 ? xs[0] : xs;
}
