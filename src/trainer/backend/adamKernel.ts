// Adam's update is about ten elementwise kernels per variable in tfjs (each a pass over the variable and a
// dispatch through the engine): for the 23 variables of MobileNetV2's trained top, about 230 dispatches a
// step, on the calling thread while the training worker waits. Our SIMD kernel does one variable in one
// pass, and also sums the two halves of a data-parallel step on the way in.
import * as tf from '../tf';
import type { KernelConfig, TensorInfo } from '../tf';
import { heapOffset, trainingKernels } from './trainingKernels';
import { asWasmBackend } from './wasmScratch';

/** Our kernel: outputs [value, m, v] after one Adam step (attributes as `AdamAttrs`). */
export const ADAM_STEP = 'TransferStudioAdamStep';

/** The step's constants, rounded to float32 by the kernel as tfjs' scalars are. */
export interface AdamAttrs {
  firstWeight: number;
  secondWeight: number;
  beta1: number;
  beta2: number;
  /** 1 − β1ᵗ and 1 − β2ᵗ for this step. */
  correct1: number;
  correct2: number;
  learningRate: number;
  epsilon: number;
}

const adamKernel: KernelConfig = {
  kernelName: ADAM_STEP,
  backendName: 'wasm',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const wasm = asWasmBackend(backend, ADAM_STEP);
    const simd = trainingKernels(wasm);
    const { value, m, v, gradient, other } = inputs;
    if (simd == null || value == null || m == null || v == null || gradient == null) {
      throw new Error(`${ADAM_STEP}: needs the training kernels, value, m, v and gradient.`);
    }
    const a = attrs as unknown as AdamAttrs;
    const outs = [0, 1, 2].map(() => wasm.makeOutput(value.shape, 'float32'));
    const at = (t: TensorInfo | undefined) => (t == null ? 0 : heapOffset(wasm, t));
    const size = tf.util.sizeFromShape(value.shape);
    simd.adamStep(
      ...[at(value), at(m), at(v), at(gradient), at(other), ...outs.map(at), size],
      ...[a.firstWeight, a.secondWeight, a.beta1, 1 - a.beta1, a.beta2, 1 - a.beta2],
      ...[a.correct1, a.correct2, a.learningRate, a.epsilon],
    );
    return outs;
  },
};

/** Registers the Adam kernel for wasm (once); false when the training kernels are not there. */
export function registerAdamKernel(): boolean {
  const backend = tf.backend();
  const ready = trainingKernels(asWasmBackend(backend, ADAM_STEP)) != null;
  if (ready && tf.getKernel(ADAM_STEP, 'wasm') == null) tf.registerKernel(adamKernel);
  return ready;
}
