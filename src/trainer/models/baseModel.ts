// A loaded base: the tfjs model plus what the rest of the engine needs to feed it and to cut it.
import type { BaseDescription, Preprocessing } from '../../shared/engineTypes';
import { LIMITS } from '../../shared/limits';
import { EngineError } from '../../shared/engineError';
import * as tf from '../tf';
import { resolveBase, type ResolvedBase } from './baseResolver';
import { describeLayers } from './layerInfo';
import { loadLayersModelFromFile } from './modelFiles';
import { GRAPH_BASE_NOTE, GRAPH_LAYER_CLASS, GRAPH_LAYER_NAME } from '../interchange/graphBase';

export interface BaseModel {
  model: tf.LayersModel;
  resolved: ResolvedBase;
  description: BaseDescription;
}

export async function loadBase(spec: string, cacheDir: string): Promise<BaseModel> {
  const resolved = await resolveBase(spec, cacheDir);
  const model = await loadLayersModelFromFile(resolved.modelJsonPath);
  const preprocessing = inputPreprocessing(model, resolved);
  const layers = describeLayers(model);
  const graph = model.layers.some((l) => l.getClassName() === GRAPH_LAYER_CLASS);
  const description: BaseDescription = {
    spec,
    title: resolved.title,
    source: resolved.source,
    preprocessing,
    layers,
    // A graph model is one frozen layer: its output is the feature vector.
    defaultFeatureLayer: resolved.defaultFeatureLayer ?? (graph ? GRAPH_LAYER_NAME : defaultFeatureLayer(model)),
    totalParams: layers.reduce((s, l) => s + l.trainableParams + l.nonTrainableParams, 0),
    credit: graph ? [resolved.credit, GRAPH_BASE_NOTE].filter(Boolean).join(' ') : resolved.credit,
  };
  return { model, resolved, description };
}

function inputPreprocessing(model: tf.LayersModel, resolved: ResolvedBase): Preprocessing {
  const shape = model.inputs[0].shape;
  if (model.inputs.length !== 1 || shape.length !== 4) {
    throw new EngineError(
      `${resolved.spec} takes ${model.inputs.length} input(s) of rank ${shape.length}; an image base needs one input of shape [batch, height, width, channels].`,
    );
  }
  const [, h, w, c] = shape;
  if (c !== 1 && c !== 3)
    throw new EngineError(
      `${resolved.spec} expects ${c} channels per pixel; only 1 (grayscale) and 3 (RGB) are supported.`,
    );
  const fallback = resolved.preprocessing?.size ?? [224, 224];
  const max = LIMITS.maxInputSide;
  // Checked before any image is decoded or any tensor of this size allocated.
  if ((h ?? 0) > max || (w ?? 0) > max) {
    throw new EngineError(
      `${resolved.spec} takes ${h}×${w} images; the input size limit is ${max}×${max} pixels (maxInputSide).`,
    );
  }
  return {
    // A dimension left open by the model (null) takes the size the model's metadata recommends.
    size: [h ?? fallback[0], w ?? fallback[1]],
    channels: c,
    scale: resolved.preprocessing?.scale ?? 'unit',
  };
}

/**
 * For a foreign classifier, the last layer before its classification head: the last layer whose output
 * still has spatial dimensions, or else the layer before the final Dense.
 */
function defaultFeatureLayer(model: tf.LayersModel): string {
  const layers = model.layers;
  for (let i = layers.length - 1; i >= 0; i--) {
    const shape = layers[i].outputShape as (number | null)[];
    if (shape.length === 4 && i < layers.length - 1) return layers[i].name;
  }
  return layers[Math.max(0, layers.length - 2)].name;
}
