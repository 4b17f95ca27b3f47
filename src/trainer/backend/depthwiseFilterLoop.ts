// The depthwise filter gradient composed from wasm kernels (wasmConvGradients.ts) copies a channel-major
// window of the input for every filter tap, row by row; on the small, deep maps of a trained top (7×7×960 in
// MobileNetV2's last blocks) those rows are 7 floats long and the copies cost far more than the arithmetic:
// 170–350 ms per step for two layers whose gradient is 2 × 6.8 M multiply-adds. One pass over the heap,
// accumulating in float64, does it directly in NHWC order with no copy at all. With a channel multiplier of
// 1 (MobileNet's), the same pass runs in our SIMD kernel (trainingKernels.ts, float32 sums): ≈ 0.9 ms
// against ≈ 12 ms for the JS loop on [8,7,7,960].
import * as tf from '../tf';
import type { KernelFunc } from '../tf';
import { heapOffset, trainingKernels } from './trainingKernels';
import { asWasmBackend } from './wasmScratch';
import { wrapWasmKernels } from './ownKernels';

const NAME = 'DepthwiseConv2dNativeBackpropFilter';

interface Attrs {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dilations?: number | [number, number];
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  dataFormat?: 'NHWC' | 'NCHW';
  filterShape: [number, number, number, number];
}

/**
 * Without the SIMD kernel, larger gradients keep the composed kernel: the JS loop was faster on every shape
 * measured (up to 10.8 M multiply-adds, [4,112,112,96] at stride 2: 69 vs 74 ms), but its lead shrinks as
 * rows grow.
 */
export const LOOP_MAX_MACS = 16e6;

const loop: KernelFunc = ({ inputs, backend, attrs }) => {
  const wasm = asWasmBackend(backend, NAME);
  const { x, dy } = inputs;
  const a = attrs as unknown as Attrs;
  const info = tf.backend_util.computeConv2DInfo(
    x!.shape as [number, number, number, number],
    a.filterShape,
    a.strides,
    a.dilations ?? 1,
    a.pad,
    a.dimRoundingMode,
    true,
  );
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: c, outHeight: oh, outWidth: ow } = info;
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw } = info;
  const { dilationHeight: dh, dilationWidth: dw, padInfo } = info;
  const mult = a.filterShape[3];
  const k = c * mult;
  const out = wasm.makeOutput(a.filterShape, 'float32');
  const simd = trainingKernels(wasm);
  if (simd && mult === 1) {
    const shape = [n, h, w, c, oh, ow, kh, kw, sh, sw, dh, dw, padInfo.top, padInfo.left] as const;
    simd.depthwiseFilterGrad(heapOffset(wasm, x!), heapOffset(wasm, dy!), heapOffset(wasm, out), ...shape);
    return out;
  }
  const acc = new Float64Array(kh * kw * k);
  // Views only after makeOutput: a malloc that grows the heap detaches earlier views.
  const xs = wasm.typedArrayFromHeap(x!) as Float32Array;
  const ds = wasm.typedArrayFromHeap(dy!) as Float32Array;
  for (let b = 0; b < n; b++) {
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        const d0 = ((b * oh + oy) * ow + ox) * k;
        for (let i = 0; i < kh; i++) {
          const iy = oy * sh + i * dh - padInfo.top;
          if (iy < 0 || iy >= h) continue;
          for (let j = 0; j < kw; j++) {
            const ix = ox * sw + j * dw - padInfo.left;
            if (ix < 0 || ix >= w) continue;
            const x0 = ((b * h + iy) * w + ix) * c;
            const w0 = (i * kw + j) * k;
            if (mult === 1) {
              for (let ch = 0; ch < c; ch++) acc[w0 + ch] += xs[x0 + ch] * ds[d0 + ch];
            } else {
              for (let ch = 0; ch < c; ch++) {
                const v = xs[x0 + ch];
                for (let m = 0; m < mult; m++) acc[w0 + ch * mult + m] += v * ds[d0 + ch * mult + m];
              }
            }
          }
        }
      }
    }
  }
  (wasm.typedArrayFromHeap(out) as Float32Array).set(acc);
  return out;
};

function withLoop(composed: KernelFunc): KernelFunc {
  return (args) => {
    const { x, dy } = args.inputs;
    const a = args.attrs as unknown as Attrs;
    const macs = dy == null ? Infinity : dy.shape.reduce((p, d) => p * d, 1) * a.filterShape[0] * a.filterShape[1];
    const plain = x?.dtype === 'float32' && dy?.dtype === 'float32' && a.dataFormat !== 'NCHW';
    // The SIMD kernel (channel multiplier 1) beats the composed kernel at every size; the JS loop only below the bound.
    const simd = a.filterShape[3] === 1 && trainingKernels(asWasmBackend(args.backend, NAME)) != null;
    return plain && (simd || macs <= LOOP_MAX_MACS) ? loop(args) : composed(args);
  };
}

/** Wraps the registered depthwise filter gradient with the loop for small maps (once). */
export function registerDepthwiseFilterLoop(): boolean {
  return wrapWasmKernels([NAME], withLoop);
}
