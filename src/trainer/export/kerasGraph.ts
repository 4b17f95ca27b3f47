// The Keras functional graph being written: layers (and ops) in config.json's form, with unique names,
// output shapes, and aliases for run layers whose output now comes from another Keras node.
import type { GraphLayer, InboundRef } from './exportGraph';

export type Shape = (number | null)[];

/** One node of the Keras model, with what the weights file needs to know about it. */
export interface KerasLayer {
  name: string;
  kerasClass: string;
  /** The serialized node as it goes into config.json's `layers`. */
  json: Record<string, unknown>;
  /** Names of the nodes it reads, in argument order. */
  parents: string[];
  /** Where its weights come from in the run (a layer of the same meaning), if it has any. */
  source?: GraphLayer;
  /** False for `keras.ops` nodes: they are not in `model.layers` and have no weights. */
  isLayer: boolean;
}

/** Config keys every exported layer carries. */
export const FIXED = { trainable: false, dtype: 'float32' } as const;

/** Keras merge layers: called on a list of tensors. */
const MERGE_CLASSES = new Set(['Add', 'Multiply', 'Concatenate', 'Average', 'Maximum', 'Minimum', 'Subtract']);

export class KerasGraph {
  readonly layers: KerasLayer[] = [];
  private readonly taken: Set<string>;
  private readonly shapes = new Map<string, Shape>();
  private readonly alias = new Map<string, string>();

  constructor(runLayerNames: string[]) {
    this.taken = new Set(runLayerNames);
  }

  /** A name no run layer and no written node has, derived from `want`. */
  unique(want: string): string {
    let name = want;
    for (let i = 2; this.taken.has(name); i++) name = `${want}_${i}`;
    this.taken.add(name);
    return name;
  }

  /** The Keras node that now produces what the run's layer `name` produced. */
  ref(name: string): string {
    return this.alias.get(name) ?? name;
  }

  /** From now on, readers of the run's layer `runName` read the Keras node `kerasName`. */
  redirect(runName: string, kerasName: string): void {
    this.alias.set(runName, kerasName);
  }

  shape(name: string): Shape {
    return this.shapes.get(name)!;
  }

  /** Adds a layer (module keras.layers) reading `parents` (Keras node names); returns its name. */
  layer(
    kerasClass: string,
    config: Record<string, unknown> & { name: string },
    parents: string[],
    shape: Shape,
    source?: GraphLayer,
  ): string {
    const tensors = parents.map((p) => this.tensorRef(p));
    const args = kerasClass === 'InputLayer' ? [] : MERGE_CLASSES.has(kerasClass) ? [tensors] : tensors;
    const json = {
      module: 'keras.layers',
      class_name: kerasClass,
      config,
      registered_name: null,
      name: config.name,
      inbound_nodes: kerasClass === 'InputLayer' ? [] : [{ args, kwargs: {} }],
    };
    return this.add({ name: config.name, kerasClass, json, parents, source, isLayer: true }, shape);
  }

  /**
   * Adds a `keras.ops.numpy` operation node (e.g. Divide) on `parents` (then `numbers`), with the operation's
   * own arguments in `config` (e.g. Sum's axis); returns its name.
   */
  numpyOp(
    kerasClass: string,
    name: string,
    parents: string[],
    shape: Shape,
    numbers: number[] = [],
    config: Record<string, unknown> = {},
  ): string {
    const json = {
      module: 'keras.src.ops.numpy',
      class_name: kerasClass,
      config: { name, ...config },
      registered_name: kerasClass,
      name,
      inbound_nodes: [{ args: [...parents.map((p) => this.tensorRef(p)), ...numbers], kwargs: {} }],
    };
    return this.add({ name, kerasClass, json, parents, isLayer: false }, shape);
  }

  private add(layer: KerasLayer, shape: Shape): string {
    this.shapes.set(layer.name, shape);
    this.layers.push(layer);
    return layer.name;
  }

  /** A serialized KerasTensor: the output of node `name` (node 0, tensor 0). */
  private tensorRef(name: string): Record<string, unknown> {
    const history: InboundRef = [name, 0, 0];
    return {
      class_name: '__keras_tensor__',
      config: { shape: this.shape(name), dtype: 'float32', keras_history: history },
    };
  }
}

/** config.json's content: the functional model of a graph's nodes, from one input node to one output node. */
export function functionalJson(g: KerasGraph, inputName: string, outputName: string): Record<string, unknown> {
  return {
    module: 'keras.src.models.functional',
    class_name: 'Functional',
    config: {
      name: 'transfer_studio',
      trainable: true,
      layers: g.layers.map((l) => l.json),
      input_layers: [inputName, 0, 0],
      output_layers: [outputName, 0, 0],
    },
    registered_name: 'Functional',
    build_config: { input_shape: null },
  };
}
