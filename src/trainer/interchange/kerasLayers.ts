// TF.js layers for Keras 3 layers and ops that TF.js lacks or defines differently. Registered on import,
// so any process that loads a model made from a Keras base (trainer, feature threads, predict) can read it.
// Their class names and configs are part of the interchange contract (kerasClasses.ts).
import * as tf from '../tf';
import { ACTIVATION_LAYER_CLASS, CUSTOM_ACTIVATIONS, SCALAR_OP_CLASS } from './kerasClasses';

type Shape = tf.Shape;
type LayerArgs = ConstructorParameters<typeof tf.layers.Layer>[0];

function single(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
  return Array.isArray(inputs) ? inputs[0] : inputs;
}

function singleShape(shape: Shape | Shape[]): Shape {
  return Array.isArray(shape[0]) ? (shape as Shape[])[0] : (shape as Shape);
}

/** Keras' GlobalAveragePooling2D/GlobalMaxPooling2D, with `keepdims` (TF.js's have none). */
abstract class GlobalPooling2D extends tf.layers.Layer {
  private readonly keepdims: boolean;
  private readonly channelsFirst: boolean;
  constructor(args: LayerArgs & { keepdims?: boolean; dataFormat?: string }) {
    super(args);
    this.keepdims = args.keepdims ?? false;
    this.channelsFirst = args.dataFormat === 'channels_first';
  }
  protected abstract reduce(x: tf.Tensor, axes: number[], keepdims: boolean): tf.Tensor;
  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = singleShape(inputShape);
    const [n, a, c] = [shape[0], shape[1], shape[3]];
    if (this.channelsFirst) return this.keepdims ? [n, a, 1, 1] : [n, a];
    return this.keepdims ? [n, 1, 1, c] : [n, c];
  }
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => this.reduce(single(inputs), this.channelsFirst ? [2, 3] : [1, 2], this.keepdims));
  }
  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      keepdims: this.keepdims,
      dataFormat: this.channelsFirst ? 'channels_first' : 'channels_last',
    };
  }
}

export class KerasGlobalAveragePooling2D extends GlobalPooling2D {
  static readonly className = 'KerasGlobalAveragePooling2D';
  protected reduce(x: tf.Tensor, axes: number[], keepdims: boolean): tf.Tensor {
    return tf.mean(x, axes, keepdims);
  }
}

export class KerasGlobalMaxPooling2D extends GlobalPooling2D {
  static readonly className = 'KerasGlobalMaxPooling2D';
  protected reduce(x: tf.Tensor, axes: number[], keepdims: boolean): tf.Tensor {
    return tf.max(x, axes, keepdims);
  }
}

/** Keras 3 Normalization (adapted mean/variance as weights): (x − mean) / max(√variance, 1e-7). */
export class KerasNormalization extends tf.layers.Layer {
  static readonly className = 'KerasNormalization';
  private readonly axis: number[];
  constructor(args: LayerArgs & { axis?: number | number[]; invert?: boolean }) {
    super(args);
    if (args.invert) throw new Error('Normalization with invert=True is not supported');
    this.axis = args.axis === undefined ? [-1] : Array.isArray(args.axis) ? args.axis : [args.axis];
    this.trainable = false;
  }
  /** Shape of mean and variance: the kept axes' sizes, as Keras stores them. */
  private statShape(inputShape: Shape): number[] {
    const rank = inputShape.length;
    return this.axis.map((a) => inputShape[(a + rank) % rank] ?? 1);
  }
  override build(inputShape: Shape | Shape[]): void {
    const shape = this.statShape(singleShape(inputShape));
    this.addWeight('mean', shape, 'float32', tf.initializers.zeros(), undefined, false);
    this.addWeight('variance', shape, 'float32', tf.initializers.ones(), undefined, false);
    this.addWeight('count', [], 'float32', tf.initializers.zeros(), undefined, false);
    this.built = true;
  }
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = single(inputs);
      // Broadcast the statistics over every axis that is not kept (batch, and the spatial ones).
      const rank = x.rank;
      const kept = this.axis.map((a) => (a + rank) % rank);
      const shape = x.shape.map((d, i) => (kept.includes(i) ? d : 1));
      const [mean, variance] = this.weights.map((w) => w.read());
      const std = tf.maximum(tf.sqrt(tf.reshape(variance, shape)), 1e-7);
      return tf.div(tf.sub(x, tf.reshape(mean, shape)), std);
    });
  }
  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), axis: this.axis, invert: false };
  }
}

/** Keras 3 arithmetic between a tensor and a number, recorded as an op node (MobileNetV3's `x + 3`). */
export class KerasScalarOp extends tf.layers.Layer {
  static readonly className = SCALAR_OP_CLASS;
  private readonly op: string;
  private readonly value: number;
  constructor(args: LayerArgs & { op: string; value: number }) {
    super(args);
    if (!['add', 'subtract', 'multiply', 'divide'].includes(args.op)) throw new Error(`unknown scalar op ${args.op}`);
    this.op = args.op;
    this.value = args.value;
  }
  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return singleShape(inputShape);
  }
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = single(inputs);
      const v = tf.scalar(this.value);
      if (this.op === 'add') return tf.add(x, v);
      if (this.op === 'subtract') return tf.sub(x, v);
      if (this.op === 'multiply') return tf.mul(x, v);
      return tf.div(x, v);
    });
  }
  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), op: this.op, value: this.value };
  }
}

/** Keras 3 activations TF.js lacks or defines otherwise, with Keras' formulas. */
export class KerasActivation extends tf.layers.Layer {
  static readonly className = ACTIVATION_LAYER_CLASS;
  private readonly activation: (typeof CUSTOM_ACTIVATIONS)[number];
  constructor(args: LayerArgs & { activation: string }) {
    super(args);
    // TF.js camel-cases string values of a pythonic config on load (hard_silu arrives as hardSilu).
    const name = args.activation.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
    if (!(CUSTOM_ACTIVATIONS as readonly string[]).includes(name)) throw new Error(`unknown activation ${name}`);
    this.activation = name as (typeof CUSTOM_ACTIVATIONS)[number];
  }
  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return singleShape(inputShape);
  }
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = single(inputs);
      if (this.activation === 'log_softmax') return tf.logSoftmax(x);
      // relu6(x + 3) / 6: Keras 3's hard_sigmoid (TF.js's hardSigmoid is 0.2x + 0.5, a different curve).
      const hardSigmoid = tf.div(tf.relu6(tf.add(x, 3)), 6);
      return this.activation === 'hard_sigmoid' ? hardSigmoid : tf.mul(x, hardSigmoid);
    });
  }
  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), activation: this.activation };
  }
}

for (const cls of [
  KerasGlobalAveragePooling2D,
  KerasGlobalMaxPooling2D,
  KerasNormalization,
  KerasScalarOp,
  KerasActivation,
]) {
  tf.serialization.registerClass(cls);
}
