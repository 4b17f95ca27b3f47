// tfjs' Adam with each variable's update in one kernel on wasm (adamKernel.ts). On every other backend, or
// when the kernel is missing, it is tfjs' AdamOptimizer unchanged: same class name, slots and weights, so
// saving, loading and the optimizer's state behave as before.
import { ADAM_STEP } from './adamKernel';
import type { AdamAttrs } from './adamKernel';
import * as tf from '../tf';

interface Slot {
  originalName: string;
  variable: tf.Variable;
}

/** The AdamOptimizer fields the update reads and advances (private in its typings, plain properties at run time). */
interface AdamState {
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  accumulatedFirstMoment: Slot[];
  accumulatedSecondMoment: Slot[];
  beta1: number;
  beta2: number;
  epsilon: number;
  learningRate: number;
}

/** A batch's gradient given as weighted parts (the halves of a data-parallel step), summed by the update. */
export interface GradientPart {
  gradients: tf.NamedTensorMap;
  weight: number;
}

type Gradients = Parameters<tf.AdamOptimizer['applyGradients']>[0];

export class FusedAdam extends tf.AdamOptimizer {
  constructor(learningRate: number) {
    super(learningRate, 0.9, 0.999); // tf.train.adam's defaults
  }

  /** tfjs-layers passes a list (in trainable-weight order); the slots follow that order either way. */
  override applyGradients(gradients: Gradients): void {
    const named = Array.isArray(gradients)
      ? Object.fromEntries(gradients.map((g) => [g.name, g.tensor]))
      : (gradients as tf.NamedTensorMap);
    this.applyParts([{ gradients: named, weight: 1 }]);
  }

  /** One step with the gradient Σ weight·gradients over one or two parts. */
  applyParts(parts: GradientPart[]): void {
    const [first, second] = parts;
    const names = Object.keys(first.gradients);
    const float = parts.every((p) => names.every((n) => p.gradients[n] == null || p.gradients[n].dtype === 'float32'));
    if (tf.getBackend() !== 'wasm' || tf.getKernel(ADAM_STEP, 'wasm') == null || parts.length > 2 || !float) {
      summedThenApplied(parts, (g) => super.applyGradients(g as Gradients));
      return;
    }
    const state = this as unknown as AdamState;
    const attrs: AdamAttrs = {
      firstWeight: first.weight,
      secondWeight: second?.weight ?? 0,
      beta1: state.beta1,
      beta2: state.beta2,
      correct1: 1 - state.accBeta1.dataSync()[0],
      correct2: 1 - state.accBeta2.dataSync()[0],
      learningRate: state.learningRate,
      epsilon: state.epsilon,
    };
    names.forEach((name, i) => {
      const value = tf.engine().registeredVariables[name];
      const slot = (suffix: string) => ({
        originalName: `${name}/${suffix}`,
        variable: tf.tidy(() => tf.zerosLike(value).variable(false)),
      });
      state.accumulatedFirstMoment[i] ??= slot('m');
      state.accumulatedSecondMoment[i] ??= slot('v');
      const gradient = first.gradients[name];
      if (gradient == null) return;
      const other = second?.gradients[name];
      const inputs = {
        value,
        m: state.accumulatedFirstMoment[i].variable,
        v: state.accumulatedSecondMoment[i].variable,
        gradient,
        ...(other == null ? {} : { other }),
      };
      const outs = tf.engine().runKernel(ADAM_STEP, inputs, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
      [value, inputs.m, inputs.v].forEach((variable, k) => variable.assign(outs[k]));
      tf.dispose(outs);
    });
    tf.tidy(() => {
      state.accBeta1.assign(tf.mul(state.accBeta1, state.beta1));
      state.accBeta2.assign(tf.mul(state.accBeta2, state.beta2));
    });
    this.incrementIterations();
  }
}

/** Any optimizer's step on Σ weight·gradients: FusedAdam sums inside its kernel, others sum first. */
export function applyParts(optimizer: tf.Optimizer, parts: GradientPart[]): void {
  // Not instanceof: tfjs' Optimizer answers instanceof for any object with an optimizer's methods.
  if (optimizer.constructor === FusedAdam) (optimizer as FusedAdam).applyParts(parts);
  else summedThenApplied(parts, (g) => optimizer.applyGradients(g as Gradients));
}

function summedThenApplied(parts: GradientPart[], apply: (g: tf.NamedTensorMap) => void): void {
  if (parts.length === 1 && parts[0].weight === 1) return apply(parts[0].gradients);
  const summed: tf.NamedTensorMap = {};
  for (const name of Object.keys(parts[0].gradients)) {
    summed[name] = tf.tidy(() => tf.addN(parts.map((p) => tf.mul(p.gradients[name], p.weight))));
  }
  apply(summed);
  tf.dispose(Object.values(summed));
}
