// What the layer tree, the CLI and the language server show about each layer of a base.
import type { LayerInfo } from '../../shared/engineTypes';
import * as tf from '../tf';

export function describeLayers(model: tf.LayersModel): LayerInfo[] {
  return model.layers.map((layer, index) => {
    const count = (weights: tf.LayerVariable[]) => weights.reduce((sum, w) => sum + size(w), 0);
    const shape = layer.outputShape;
    const first = Array.isArray(shape[0]) ? (shape[0] as (number | null)[]) : (shape as (number | null)[]);
    // What the layer could train if unfrozen: the flag stored in the file describes how its authors left it,
    // and our freeze plan decides anew. BatchNorm moving statistics are never trainable.
    const trainableParams = count(trainableByNature(layer));
    return {
      index,
      name: layer.name,
      className: layer.getClassName(),
      outputShape: first,
      trainableParams,
      nonTrainableParams: count(layer.weights) - trainableParams,
      hasWeights: layer.weights.length > 0,
      isBatchNorm: layer.getClassName() === 'BatchNormalization',
      block: blockOf(layer.name),
    };
  });
}

/** Groups Keras naming schemes: block_3_expand → block_3, conv2_block1_1_conv → conv2_block1, mixed5 → mixed5. */
export function blockOf(name: string): string {
  const m = /^(.*?block_?\d+[a-z]?)(?:_|$)/i.exec(name) ?? /^(mixed\d+|expanded_conv|stage\d+)/i.exec(name);
  return m ? m[1] : '';
}

function trainableByNature(layer: tf.layers.Layer): tf.LayerVariable[] {
  // tfjs-layers empties `trainableWeights` while a layer is frozen; the protected list keeps the truth.
  return (layer as unknown as { _trainableWeights: tf.LayerVariable[] })._trainableWeights ?? layer.trainableWeights;
}

function size(w: tf.LayerVariable): number {
  return (w.shape as (number | null)[]).reduce<number>((a, b) => a * (b ?? 1), 1);
}

export function countParams(model: tf.LayersModel): { trainable: number; frozen: number } {
  const trainable = model.trainableWeights.reduce((s, w) => s + size(w), 0);
  const all = model.weights.reduce((s, w) => s + size(w), 0);
  return { trainable, frozen: all - trainable };
}
