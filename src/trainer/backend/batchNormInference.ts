// BatchNorm with fixed statistics is a per-channel scale and shift, yet the wasm backend's FusedBatchNorm
// kernel is a scalar loop (≈ 2 ms on [8,7,7,960]); every block of a trained MobileNetV2 top runs three of
// them forward in every step. Folding scale / √(variance + ε) once per channel and running the rows through
// our SIMD kernel (trainingKernels.ts) does the same arithmetic about ten times faster. Other dtypes,
// layouts and the case without the kernels keep the backend's kernel.
import * as tf from '../tf';
import type { KernelFunc, TensorInfo } from '../tf';
import { heapOffset, trainingKernels } from './trainingKernels';
import { asWasmBackend } from './wasmScratch';
import { wrapWasmKernels } from './ownKernels';

const NAME = 'FusedBatchNorm';

/** True when every per-channel input is one float per channel of x's last axis. */
function perChannel(x: TensorInfo, ...params: (TensorInfo | undefined)[]): boolean {
  const channels = x.shape[x.shape.length - 1];
  const fits = (t: TensorInfo | undefined) =>
    t == null || (t.dtype === 'float32' && t.shape.length === 1 && t.shape[0] === channels);
  return x.dtype === 'float32' && x.shape.length > 1 && params.every(fits);
}

function simdPath(native: KernelFunc): KernelFunc {
  return (args) => {
    const wasm = asWasmBackend(args.backend, NAME);
    const simd = trainingKernels(wasm);
    const { x, mean, variance, offset, scale } = args.inputs;
    if (simd == null || x == null || mean == null || variance == null || !perChannel(x, mean, variance, offset, scale))
      return native(args);
    const epsilon = (args.attrs as { varianceEpsilon?: number } | undefined)?.varianceEpsilon ?? 0.001;
    const channels = x.shape[x.shape.length - 1];
    const out = wasm.makeOutput(x.shape, 'float32');
    const factor = wasm.makeOutput([channels], 'float32');
    const shift = wasm.makeOutput([channels], 'float32');
    try {
      // Views only after every makeOutput: a malloc that grows the heap detaches earlier views.
      const heap = (t: TensorInfo | undefined) =>
        t == null ? undefined : (wasm.typedArrayFromHeap(t) as Float32Array);
      const [v, s, o, f, b] = [variance, scale, offset, factor, shift].map(heap);
      for (let c = 0; c < channels; c++) {
        f![c] = (s?.[c] ?? 1) / Math.sqrt(v![c] + epsilon);
        b![c] = o?.[c] ?? 0;
      }
      const rows = tf.util.sizeFromShape(x.shape) / channels;
      const at = (t: TensorInfo) => heapOffset(wasm, t);
      simd.batchNormInference(at(x), at(mean), at(factor), at(shift), at(out), rows, channels);
      return out;
    } finally {
      wasm.disposeData(factor.dataId);
      wasm.disposeData(shift.dataId);
    }
  };
}

/** Wraps the wasm FusedBatchNorm with the SIMD path (once); false when there is nothing to wrap. */
export function registerBatchNormInference(): boolean {
  return wrapWasmKernels([NAME], simdPath);
}
