// The arithmetic of one data-parallel training step, shared by the calling thread and the training worker
// so both halves of a batch are computed the same way. It is what tfjs-layers' trainOnBatch does for the
// engine's models (fitLoop.ts compiles every one with categorical cross-entropy and accuracy): the mean loss
// of the shard in training mode, its gradients with respect to the trainable weights, and the accuracy.
import * as tf from '../tf';

/** A shard's mean loss and accuracy, and the gradients of that mean loss (trainable-weight order). */
export interface ShardGradients {
  loss: number;
  accuracy: number;
  grads: tf.Tensor[];
}

/** The variables an optimizer updates, in the order every replica uses. */
export function trainableVariables(model: tf.LayersModel): tf.Variable[] {
  return model.trainableWeights.map((w) => w.read() as tf.Variable);
}

/** Regularizer penalties are per model, not per shard: a model with any keeps the one-thread step. */
export function hasRegularizers(model: tf.LayersModel): boolean {
  return model.layers.some((l) => l.losses.length > 0);
}

export async function shardGradients(model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor): Promise<ShardGradients> {
  const vars = trainableVariables(model);
  let accuracy: tf.Scalar | undefined;
  const { value, grads } = tf.variableGrads(() => {
    const p = model.apply(x, { training: true }) as tf.Tensor;
    accuracy = tf.keep(tf.mean(tf.metrics.categoricalAccuracy(y, p)) as tf.Scalar);
    return tf.mean(tf.metrics.categoricalCrossentropy(y, p)) as tf.Scalar;
  }, vars);
  const [loss, acc] = [(await value.data())[0], (await accuracy!.data())[0]];
  tf.dispose([value, accuracy!]);
  return { loss, accuracy: acc, grads: vars.map((v) => grads[v.name]) };
}
