// Model inputs as tensors and back: one tensor per input, or the tensor itself when the model has one input
// (images), so single-input models see exactly what they always saw.
import * as tf from '../../tf';
import type { InputArray } from './dataKind';

export function inputTensors(inputs: readonly InputArray[]): tf.Tensor[] {
  return inputs.map((a) => tf.tensor(a.data, a.shape, a.dtype));
}

/** One tensor for a one-input model, the list for a model with several inputs. */
export function modelInput(xs: tf.Tensor[]): tf.Tensor | tf.Tensor[] {
  return xs.length === 1 ? xs[0] : xs;
}

/**
 * The values of a batch's input tensors (a model's input, in its order), e.g. to hand a batch to a frozen
 * runtime outside tfjs. Runtimes match inputs by position; the names only label them.
 */
export async function inputArrays(x: tf.Tensor | tf.Tensor[]): Promise<InputArray[]> {
  const xs = Array.isArray(x) ? x : [x];
  return Promise.all(
    xs.map(async (t, i) => {
      const dtype = t.dtype === 'int32' ? 'int32' : 'float32';
      const data = dtype === 'int32' ? ((await t.data()) as Int32Array) : ((await t.data()) as Float32Array);
      return { name: `input${i}`, dtype, data, shape: t.shape };
    }),
  );
}
