// Matrix products on our SIMD kernel (kernels/gemm.ts) instead of the wasm backend's XNNPACK: about 1.3×
// faster on the shapes of a trained MobileNetV2 top (1.7× with relaxed SIMD), where every convolution is
// 1×1 at stride 1 and so is one product: y = x · W over all pixels, and its two gradients (dx = dy · Wᵀ,
// dW = xᵀ · dy, both reach BatchMatMul through pointwiseBackpropInput.ts and wasmConvGradients.ts).
// XNNPACK keeps everything else: other convolutions, other dtypes, activations we do not fuse.
import * as tf from '../tf';
import type { KernelFunc, TensorInfo } from '../tf';
import { heapOffset, trainingKernels, type TrainingKernels } from './trainingKernels';
import { asWasmBackend } from './wasmScratch';
import { wrapWasmKernels, type KernelWrapper } from './ownKernels';

type Backend = ReturnType<typeof asWasmBackend>;

/** tfjs' fused activations our kernel applies while storing (kernels/gemm.ts numbers them). */
const ACTIVATIONS: Record<string, number> = { linear: 0, relu: 1, relu6: 2 };

/** A float32 buffer on the heap for the duration of one kernel call. */
function scratch(wasm: Backend, floats: number): { at: number; free: () => void } {
  const t = wasm.makeOutput([floats], 'float32');
  return { at: heapOffset(wasm, t), free: () => wasm.disposeData(t.dataId) };
}

/** One product's shape and options; `a`, `b`, `bias` and `out` are heap offsets per matrix. */
interface Products {
  m: number;
  k: number;
  n: number;
  transposeA: boolean;
  transposeB: boolean;
  activation: number;
  bias: number;
}

/**
 * out[i] = op(A[i]) · op(B[i]) (+ bias, activation) for each pair; a B shared by every pair (the same
 * offset each time) is packed once. Scratch is taken once for all pairs.
 */
function products(wasm: Backend, simd: TrainingKernels, p: Products, pairs: { a: number; b: number; out: number }[]) {
  const packed = scratch(wasm, simd.packedSize(p.k, p.n));
  const rows = p.transposeA ? scratch(wasm, p.m * p.k) : undefined;
  try {
    let packedB = -1;
    for (const { a, b, out } of pairs) {
      if (b !== packedB) simd.packPanels(b, packed.at, p.k, p.n, p.transposeB);
      packedB = b;
      if (rows) simd.transpose(a, rows.at, p.k, p.m);
      simd.gemm(rows?.at ?? a, packed.at, p.bias, out, p.m, p.k, p.n, p.activation);
    }
  } finally {
    packed.free();
    rows?.free();
  }
}

/** BatchMatMul of float32 matrices whose batch dimensions are equal, or all 1 on one side. */
function batchMatMul(next: KernelFunc): KernelFunc {
  return (args) => {
    const wasm = asWasmBackend(args.backend, 'BatchMatMul');
    const simd = trainingKernels(wasm);
    const { a, b } = args.inputs;
    const { transposeA = false, transposeB = false } = args.attrs as { transposeA?: boolean; transposeB?: boolean };
    if (simd == null || a == null || b == null || a.dtype !== 'float32' || b.dtype !== 'float32') return next(args);
    const batchA = a.shape.slice(0, -2);
    const batchB = b.shape.slice(0, -2);
    const [countA, countB] = [tf.util.sizeFromShape(batchA), tf.util.sizeFromShape(batchB)];
    const same = batchA.length === batchB.length && batchA.every((d, i) => d === batchB[i]);
    if (!same && countA !== 1 && countB !== 1) return next(args);
    const [m, k] = transposeA ? a.shape.slice(-2).reverse() : a.shape.slice(-2);
    const [kb, n] = transposeB ? b.shape.slice(-2).reverse() : b.shape.slice(-2);
    // A mismatch is the backend kernel's to report; an empty product is its to return.
    if (k !== kb || m * k * n === 0) return next(args);
    const batch = countA >= countB ? batchA : batchB;
    const out = wasm.makeOutput([...batch, m, n], 'float32');
    const [atA, atB, atOut] = [a, b, out].map((t) => heapOffset(wasm, t));
    const pairs = Array.from({ length: Math.max(countA, countB) }, (_, i) => ({
      a: atA + (countA === 1 ? 0 : i * m * k * 4),
      b: atB + (countB === 1 ? 0 : i * k * n * 4),
      out: atOut + i * m * n * 4,
    }));
    products(wasm, simd, { m, k, n, transposeA, transposeB, activation: 0, bias: 0 }, pairs);
    return out;
  };
}

interface ConvAttrs {
  strides: number | [number, number];
  pad: unknown;
  dilations?: number | [number, number];
  dataFormat?: string;
  activation?: string;
}

/** True for a 1×1 convolution at stride 1 that shifts no pixel: one product over all pixels. */
function isPointwise(x: TensorInfo, filter: TensorInfo, a: ConvAttrs): boolean {
  const ones = (v: number | [number, number] | undefined) => v == null || [v].flat().every((d) => d === 1);
  const noShift = a.pad === 'same' || a.pad === 'valid' || a.pad === 0;
  const [kh, kw, cin] = filter.shape;
  return (
    kh === 1 &&
    kw === 1 &&
    ones(a.strides) &&
    ones(a.dilations) &&
    noShift &&
    a.dataFormat !== 'NCHW' &&
    x.shape.length === 4 &&
    x.shape[3] === cin &&
    x.dtype === 'float32' &&
    filter.dtype === 'float32'
  );
}

/** Conv2D and FusedConv2D (bias, ReLU or ReLU6) for pointwise filters. */
function pointwiseConv(name: string, next: KernelFunc): KernelFunc {
  return (args) => {
    const wasm = asWasmBackend(args.backend, name);
    const simd = trainingKernels(wasm);
    const { x, filter, bias, preluActivationWeights } = args.inputs;
    const a = args.attrs as unknown as ConvAttrs;
    const activation = ACTIVATIONS[a.activation ?? 'linear'];
    const cout = filter?.shape[3];
    const plainBias = bias == null || (bias.dtype === 'float32' && bias.shape.length === 1 && bias.shape[0] === cout);
    if (simd == null || x == null || filter == null || preluActivationWeights != null) return next(args);
    if (activation == null || !plainBias || !isPointwise(x, filter, a)) return next(args);
    const [n, h, w, cin] = x.shape;
    if (tf.util.sizeFromShape(x.shape) * cout! === 0) return next(args);
    const out = wasm.makeOutput([n, h, w, cout!], 'float32');
    const bias0 = bias == null ? 0 : heapOffset(wasm, bias);
    const options = { m: n * h * w, k: cin, n: cout!, transposeA: false, transposeB: false, activation, bias: bias0 };
    products(wasm, simd, options, [
      { a: heapOffset(wasm, x), b: heapOffset(wasm, filter), out: heapOffset(wasm, out) },
    ]);
    return out;
  };
}

/** BatchMatMul through our product; 1×1 convolutions as one product each. */
const inFront: KernelWrapper = (next, name) => (name === 'BatchMatMul' ? batchMatMul(next) : pointwiseConv(name, next));

/** Puts our products in front of the registered wasm kernels (once); false when there is nothing to wrap. */
export function registerSimdMatMul(): boolean {
  return wrapWasmKernels(['BatchMatMul', 'Conv2D', 'FusedConv2D'], inFront);
}
