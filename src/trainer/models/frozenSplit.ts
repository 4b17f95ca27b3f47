// When only the top of a base trains, everything below the lowest trainable layer computes the same thing
// every epoch. If that frozen bottom hands exactly one tensor to the trainable top (true at block boundaries
// of MobileNetV2 and anywhere in a sequential model), we split the model there: the bottom runs once per
// image into the feature cache, and the top trains on the cached activations.
import * as tf from '../tf';
import { inboundLayerNames } from './layerGraph';

export interface FrozenSplit {
  /** The layer whose output crosses from the frozen bottom to the trainable top. */
  boundary: string;
  /** Input → boundary output (all frozen). */
  bottom: tf.LayersModel;
  /** Boundary activations → predictions, sharing its layers (and weights) with the full model. */
  top: tf.LayersModel;
  /** Weightless pooling folded into `bottom` ("none" when the boundary's raw output is cached). */
  pooling: string;
}

/** Splits `full` below its trainable layers, or returns undefined when no single tensor separates them. */
export function splitBelowTrainable(full: tf.LayersModel): FrozenSplit | undefined {
  const layers = full.layers;
  // The frozen bottom: layers without trainable weights whose inputs all come from the bottom.
  const bottom = new Set<string>();
  for (const l of layers) {
    const frozen = !l.trainable || l.trainableWeights.length === 0;
    if (frozen && inboundLayerNames(l).every((n) => bottom.has(n))) bottom.add(l.name);
  }
  const crossing = new Set<string>();
  for (const l of layers) {
    if (bottom.has(l.name)) continue;
    for (const n of inboundLayerNames(l)) if (bottom.has(n)) crossing.add(n);
  }
  if (crossing.size !== 1) return undefined;
  const [boundary] = crossing;
  if (full.getLayer(boundary).getClassName() === 'InputLayer') return undefined;
  const boundaryOut = full.getLayer(boundary).getOutputAt(0) as tf.SymbolicTensor;
  const input = tf.input({ shape: boundaryOut.shape.slice(1) as number[] });
  const outputs = new Map<string, tf.SymbolicTensor>([[boundary, input]]);
  for (const l of layers) {
    if (bottom.has(l.name)) continue;
    const args = inboundLayerNames(l).map((n) => outputs.get(n));
    if (args.some((a) => a === undefined)) return undefined;
    outputs.set(l.name, l.apply(args.length === 1 ? args[0]! : (args as tf.SymbolicTensor[])) as tf.SymbolicTensor);
  }
  const out = outputs.get(full.outputLayers[0].name);
  if (!out) return undefined;
  return {
    boundary,
    bottom: tf.model({ inputs: full.inputs, outputs: boundaryOut }),
    top: tf.model({ inputs: input, outputs: out }),
    pooling: 'none',
  };
}
