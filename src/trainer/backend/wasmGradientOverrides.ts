// Three of tfjs-core's gradients are written in a way that is cheap on WebGL and slow on wasm. Two sit in
// every block of MobileNetV2's trainable top (profile of one second-phase step, batch 16):
// - FusedBatchNorm's input gradient tiles rsqrt(variance) to the full activation shape before multiplying
//   (wasm's Tile is a generic index loop: ≈ 56 ms per [16,7,7,960] tile, 0.6 s of a 1.9 s step), and it
//   computes x − mean and dy·scale even when only dx, dscale and doffset are needed. A broadcasting multiply
//   does the same arithmetic in ≈ 2 ms.
// - ClipByValue (ReLU6) builds its mask from five kernels (≥, ≤, and, zeros, select): ≈ 17 ms per tensor. One
//   pass over the heap does it in about a millisecond.
// BatchNorm's scale and offset gradients are sums over every position of a channel: tfjs' Sum on wasm
// transposes the whole tensor first to reduce the last axis, ≈ 1 ms each on [8,7,7,960]. Our SIMD kernel
// (trainingKernels.ts) sums the channels in one pass over the rows.
// Mean's gradient (global average pooling before the head) builds a ones tensor of the input's shape in JS,
// copies it to the heap, multiplies and then divides: wasm's Fill with 1/n and one multiply do the same
// (one-thread second phase, 5 epochs: 7.50 → 7.32 s, means of three alternating pairs).
// On other backends the original gradients run unchanged.
import { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import * as tf from '../tf';
import type { GradConfig, KernelConfig, NamedAttrMap, Tensor } from '../tf';
import { heapOffset, trainingKernels } from './trainingKernels';
import { asWasmBackend } from './wasmScratch';

/** Our kernel: dy where clipValueMin ≤ x ≤ clipValueMax, else 0 (the mask tfjs' ClipByValue gradient builds). */
export const CLIP_GRAD = 'TransferStudioClipByValueGrad';

const clipGradKernel: KernelConfig = {
  kernelName: CLIP_GRAD,
  backendName: 'wasm',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const wasm = asWasmBackend(backend, CLIP_GRAD);
    const { x, dy } = inputs;
    if (x == null || dy == null) throw new Error(`${CLIP_GRAD}: inputs x and dy are required.`);
    const { clipValueMin: lo, clipValueMax: hi } = attrs as unknown as { clipValueMin: number; clipValueMax: number };
    const out = wasm.makeOutput(dy.shape, 'float32');
    const simd = trainingKernels(wasm);
    if (simd) {
      const size = tf.util.sizeFromShape(dy.shape);
      simd.clipGrad(heapOffset(wasm, x), heapOffset(wasm, dy), heapOffset(wasm, out), size, lo, hi);
      return out;
    }
    // Views only after makeOutput: a malloc that grows the heap detaches earlier views.
    const xs = wasm.typedArrayFromHeap(x) as Float32Array;
    const ds = wasm.typedArrayFromHeap(dy) as Float32Array;
    const o = wasm.typedArrayFromHeap(out) as Float32Array;
    for (let i = 0; i < o.length; i++) o[i] = xs[i] >= lo && xs[i] <= hi ? ds[i] : 0;
    return out;
  },
};

/** Our kernel: per channel (last axis), Σ dy, or Σ dy·(x − mean) when x and mean are given. */
export const CHANNEL_SUMS = 'TransferStudioChannelSums';

const channelSumsKernel: KernelConfig = {
  kernelName: CHANNEL_SUMS,
  backendName: 'wasm',
  kernelFunc: ({ inputs, backend }) => {
    const wasm = asWasmBackend(backend, CHANNEL_SUMS);
    const simd = trainingKernels(wasm);
    const { dy, x, mean } = inputs;
    if (simd == null || dy == null) throw new Error(`${CHANNEL_SUMS}: needs the training kernels and dy.`);
    const channels = dy.shape[dy.shape.length - 1];
    const rows = tf.util.sizeFromShape(dy.shape) / channels;
    const out = wasm.makeOutput([channels], 'float32');
    const centred = x != null && mean != null;
    const [xAt, meanAt] = centred ? [heapOffset(wasm, x), heapOffset(wasm, mean)] : [0, 0];
    simd.channelSums(xAt, meanAt, heapOffset(wasm, dy), heapOffset(wasm, out), rows, channels);
    return out;
  },
};

/** True when our channel sums can replace a reduction to `mean`'s shape: one value per last-axis channel. */
function sumsChannels(x: Tensor, mean: Tensor, dy: Tensor): boolean {
  const backend = tf.backend();
  if (!(backend instanceof BackendWasm) || trainingKernels(backend) == null) return false;
  const plain = [x, mean, dy].every((t) => t.dtype === 'float32');
  return plain && mean.rank === 1 && x.rank > 1 && mean.shape[0] === x.shape[x.rank - 1];
}

type GradFunc = GradConfig['gradFunc'];

/** FusedBatchNorm's gradient with broadcasting in place of Tile; each part computed only when asked for. */
function batchNormGrad(original: GradFunc): GradFunc {
  return (dy: Tensor | Tensor[], saved: Tensor[], attrs: NamedAttrMap) => {
    const [x, mean, variance, scale] = saved;
    if (tf.getBackend() !== 'wasm' || Array.isArray(dy)) return original(dy, saved, attrs);
    const { varianceEpsilon } = attrs as unknown as { varianceEpsilon: number };
    const axes = tf.backend_util.getReductionAxes(mean.shape, x.shape);
    const reduce = (t: Tensor) => tf.reshape(mean.rank === 1 ? tf.sum(t, axes) : t, mean.shape);
    const rsqrt = () => tf.rsqrt(tf.add(variance, tf.scalar(varianceEpsilon)));
    const scaled = (t: Tensor) => (scale == null ? t : tf.mul(t, scale));
    const sums = sumsChannels(x, mean, dy);
    return {
      x: () => tf.reshape(tf.mul(dy, scaled(rsqrt())), x.shape),
      mean: () => reduce(tf.mul(dy, tf.neg(scaled(rsqrt())))),
      variance: () => {
        const r = rsqrt();
        const minusHalfRCube = tf.mul(tf.mul(tf.mul(r, r), r), tf.scalar(-0.5));
        return reduce(tf.mul(tf.mul(minusHalfRCube, tf.sub(x, mean)), scaled(dy)));
      },
      scale: () =>
        sums
          ? tf.mul(tf.engine().runKernel(CHANNEL_SUMS, { dy, x, mean }) as Tensor, rsqrt())
          : reduce(tf.mul(dy, tf.mul(tf.sub(x, mean), rsqrt()))),
      offset: () => (sums ? (tf.engine().runKernel(CHANNEL_SUMS, { dy }) as Tensor) : reduce(dy)),
    };
  };
}

function clipGrad(original: GradFunc): GradFunc {
  return (dy: Tensor | Tensor[], saved: Tensor[], attrs: NamedAttrMap) => {
    const [x] = saved;
    const ours = tf.getBackend() === 'wasm' && tf.getKernel(CLIP_GRAD, 'wasm') != null;
    if (!ours || Array.isArray(dy) || x.dtype !== 'float32' || dy.dtype !== 'float32') {
      return original(dy, saved, attrs);
    }
    return { x: () => tf.engine().runKernel(CLIP_GRAD, { x, dy }, attrs) as Tensor };
  };
}

function meanGrad(original: GradFunc): GradFunc {
  return (dy: Tensor | Tensor[], saved: Tensor[], attrs: NamedAttrMap) => {
    const [x] = saved;
    if (tf.getBackend() !== 'wasm' || Array.isArray(dy) || x.dtype !== 'float32') return original(dy, saved, attrs);
    const axes = tf.util.parseAxisParam((attrs as { axis: number | number[] }).axis, x.shape);
    const kept = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
    const count = axes.reduce((n, i) => n * x.shape[i], 1);
    return { x: () => tf.mul(tf.reshape(dy, kept), tf.fill(x.shape, 1 / count)) };
  };
}

let installed = false;

/** Replaces the three gradients (once, keeping the originals for other backends); false if one is missing. */
export function registerWasmGradientOverrides(): boolean {
  if (installed) return true;
  const bn = tf.getGradient('FusedBatchNorm');
  const clip = tf.getGradient('ClipByValue');
  const mean = tf.getGradient('Mean');
  if (bn == null || clip == null || mean == null) return false;
  // Not one of the kernels tfjs lacks (ownKernels.ts lists those): a helper only our gradient calls.
  if (tf.getKernel(CLIP_GRAD, 'wasm') == null) tf.registerKernel(clipGradKernel);
  if (tf.getKernel(CHANNEL_SUMS, 'wasm') == null) tf.registerKernel(channelSumsKernel);
  tf.registerGradient({ ...bn, gradFunc: batchNormGrad(bn.gradFunc) });
  tf.registerGradient({ ...clip, gradFunc: clipGrad(clip.gradFunc) });
  tf.registerGradient({ ...mean, gradFunc: meanGrad(mean.gradFunc) });
  installed = true;
  return true;
}
