import type * as tf from '../tf';

/**
 * Our models share layers (the head sits in three graphs, the base in two), and tfjs-layers' model.dispose()
 * stops at the first layer another model already disposed. So: optimizers, then every distinct weight once.
 */
export function disposeModels(models: tf.LayersModel[]): void {
  const weights = new Set<tf.LayerVariable>();
  for (const m of models) {
    // An optimizer passed to compile() as an instance is not owned by the model.
    (m.optimizer as tf.Optimizer | undefined)?.dispose();
    m.layers.forEach((l) => l.weights.forEach((w) => weights.add(w)));
  }
  for (const w of weights) {
    try {
      w.dispose();
    } catch {
      // already disposed
    }
  }
}
