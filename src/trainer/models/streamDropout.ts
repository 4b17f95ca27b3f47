// Dropout that draws a new mask on every training step and still follows the run's seed. tfjs-layers'
// Dropout given a seed hands that same seed to every call, so it drops the same units on every step (a fixed
// mask, not dropout); without a seed it is not reproducible. This one counts its calls and seeds each draw
// from the layer's seed and the count. It keeps the class name `Dropout`, so saved models, the Keras and ONNX
// exports and every reader of model.json see the standard layer; registering it makes loaded models use it.
import * as tf from '../tf';

/** Far apart, so two layers seeded s and s + 1 do not replay each other's masks a step later. */
const STEP_STRIDE = 1_000_003;
/** Between the streams of replicas: well inside a step's stride, so no step of one meets a step of another. */
const STREAM_STRIDE = 7_919;

/** Dropout's own settings beside a layer's (name, trainable, dtype…, as model.json gives them on loading). */
type StreamDropoutArgs = NonNullable<ConstructorParameters<typeof tf.layers.Layer>[0]> & {
  rate: number;
  seed?: number | null;
  noiseShape?: number[] | null;
};

export class StreamDropout extends tf.layers.Layer {
  static className = 'Dropout';
  private readonly rate: number;
  private readonly seed: number | undefined;
  private readonly noiseShape: number[] | undefined;
  private draws = 0;
  private stream = 0;

  constructor(args: StreamDropoutArgs) {
    const { rate, seed, noiseShape, ...layer } = args;
    super(layer);
    this.rate = Math.max(0, Math.min(1, rate));
    this.seed = seed ?? undefined;
    this.noiseShape = noiseShape ?? undefined;
    this.supportsMasking = true;
  }

  call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    if (kwargs.training !== true || this.rate <= 0 || this.rate >= 1) return x.clone();
    const seed = this.seed === undefined ? undefined : this.seed + this.stream + STEP_STRIDE * this.draws++;
    return tf.dropout(x, this.rate, this.noiseShape, seed);
  }

  /**
   * A replica training another part of the same batch (data-parallel steps) draws from stream `n` of the seed,
   * so its units are dropped independently of the first replica's, and as reproducibly.
   */
  useStream(n: number): void {
    this.stream = n * STREAM_STRIDE;
  }

  getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), rate: this.rate, noiseShape: this.noiseShape ?? null, seed: this.seed ?? null };
  }
}
tf.serialization.registerClass(StreamDropout);

export function streamDropout(args: StreamDropoutArgs): StreamDropout {
  return new StreamDropout(args);
}
