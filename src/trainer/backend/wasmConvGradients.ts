// The wasm backend of tfjs 4.22 ships no Conv2DBackpropFilter and no depthwise gradients, so model.fit of
// any conv net stops at the first backward pass. The cpu backend has them, but as naive JS loops that are
// far too slow for images. These kernels rebuild the three gradients from kernels wasm does have (slices,
// matMul, multiply, depthwise conv), so the heavy arithmetic runs in XNNPACK/WASM.
//
// Filter gradients are a sum over filter taps: for tap (kh, kw) the output positions see the padded input
// through a strided window, so dW[kh, kw] = window(x)ᵀ · dy (a matMul for conv, a per-channel
// multiply-and-sum for depthwise). The depthwise input gradient is a depthwise conv of the stride-dilated,
// padded dy with the spatially flipped filter.
import * as tf from '../tf';
import type { KernelConfig, KernelFunc, NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '../tf';
import { registerOwnKernel } from './ownKernels';
import { asWasmBackend, WasmScratch } from './wasmScratch';

type Pad = 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
type Rounding = 'floor' | 'round' | 'ceil' | undefined;
type Pair = number | [number, number];

/** The attributes the three gradient kernels share (names as tfjs-core passes them). */
interface ConvGradAttrs {
  strides: Pair;
  pad: Pad;
  // tfjs-core passes dilations to the depthwise kernels only (its Conv2D gradient rejects dilation > 1);
  // Conv2DBackpropFilter honours them too when a caller supplies them.
  dilations?: Pair;
  dimRoundingMode?: Rounding;
  dataFormat?: 'NHWC' | 'NCHW';
  filterShape?: number[];
  inputShape?: number[];
}

function readAttrs(kernelName: string, attrs: NamedAttrMap | undefined): ConvGradAttrs {
  const a = (attrs ?? {}) as unknown as ConvGradAttrs;
  if (a.dataFormat === 'NCHW') {
    throw new Error(`${kernelName} on wasm supports dataFormat NHWC only (channels last); got NCHW.`);
  }
  return a;
}

function requireInput(kernelName: string, inputs: NamedTensorInfoMap, name: string): TensorInfo {
  const t = inputs[name];
  if (t == null) throw new Error(`${kernelName}: input ${name} is missing.`);
  return t;
}

function requireShape(kernelName: string, shape: number[] | undefined, name: string): [number, number, number, number] {
  if (shape == null) throw new Error(`${kernelName}: attribute ${name} is missing.`);
  return shape4(shape);
}

function shape4(t: TensorInfo | number[]): [number, number, number, number] {
  const s = Array.isArray(t) ? t : t.shape;
  if (s.length !== 4) throw new Error(`Expected a rank-4 shape, got [${s.join(', ')}].`);
  return [s[0], s[1], s[2], s[3]];
}

function convInfo(xShape: number[], filterShape: number[], a: ConvGradAttrs, depthwise: boolean) {
  return tf.backend_util.computeConv2DInfo(
    shape4(xShape),
    shape4(filterShape),
    a.strides,
    a.dilations ?? 1,
    a.pad,
    a.dimRoundingMode,
    depthwise,
  );
}

type ConvInfo = ReturnType<typeof convInfo>;

/**
 * Visits every filter tap with the window of the padded input that the tap multiplies, channel-major
 * ([C, N*OH*OW]), and stacks what `perTap` returns (`tapShape` each) into [KH, KW, ...tapShape].
 *
 * Channel-major because both reductions below are then fast on wasm: a matMul whose big operand is the
 * left one (the right one gets packed by XNNPACK on every call), and a multiply summed along the last axis.
 * Windows are cut with plain slices: the wasm StridedSlice with steps > 1 runs a generic loop about ten times
 * slower. With stride s the padded input is first split into its s×s stride phases (rows ≡ a, columns ≡ b
 * mod s), in which every tap's window is a contiguous block.
 */
function sumOverTaps(
  s: WasmScratch,
  x: TensorInfo,
  info: ConvInfo,
  tapShape: number[],
  perTap: (window: TensorInfo) => TensorInfo,
): TensorInfo {
  const [n, h, w, c] = shape4(x);
  const { filterHeight: kh, filterWidth: kw, dilationHeight: dh, dilationWidth: dw } = info;
  const { strideHeight: sh, strideWidth: sw, outHeight: oh, outWidth: ow, padInfo } = info;
  // Phase images of hq×wq pixels: tall enough for the lowest window and for the whole input (a multiple of
  // the stride, so the phases are a reshape apart).
  const hq = Math.max(Math.ceil((padInfo.top + h) / sh), Math.floor(((kh - 1) * dh) / sh) + oh);
  const wq = Math.max(Math.ceil((padInfo.left + w) / sw), Math.floor(((kw - 1) * dw) / sw) + ow);
  const xp = s.pad(x, [
    [0, 0],
    [padInfo.top, hq * sh - padInfo.top - h],
    [padInfo.left, wq * sw - padInfo.left - w],
    [0, 0],
  ]);
  const strided = s.reshape(xp, [n * hq, sh, wq, sw * c]);
  const phases = new Map<number, TensorInfo>();
  const phase = (a: number, b: number): TensorInfo => {
    let p = phases.get(a * sw + b);
    if (p == null) {
      const cut = s.slice(strided, [0, a, 0, b * c], [n * hq, 1, wq, c]);
      const image = s.reshape(cut, [n, hq, wq, c]);
      p = s.run('Transpose', { x: image }, { perm: [3, 0, 1, 2] });
      s.release(cut, image);
      phases.set(a * sw + b, p);
    }
    return p;
  };
  const tapSize = tapShape.reduce((p, d) => p * d, 1);
  const taps: TensorInfo[] = [];
  for (let i = 0; i < kh; i++) {
    for (let j = 0; j < kw; j++) {
      const r = i * dh;
      const q = j * dw;
      const window = s.slice(phase(r % sh, q % sw), [0, 0, Math.floor(r / sh), Math.floor(q / sw)], [c, n, oh, ow]);
      const flat = s.reshape(window, [c, n * oh * ow]);
      taps.push(s.reshape(perTap(flat), [1, tapSize]));
      s.release(window, flat);
    }
  }
  s.release(xp, strided, ...phases.values());
  const stacked = taps.length === 1 ? taps[0] : s.concat(taps, 0);
  return s.reshape(stacked, [kh, kw, ...tapShape]);
}

/** dW of Conv2D: per tap, window [Cin, M] · dy [M, Cout] on the wasm matMul. */
const conv2DBackpropFilter: KernelFunc = ({ inputs, backend, attrs }) => {
  const s = new WasmScratch(asWasmBackend(backend, 'Conv2DBackpropFilter'));
  try {
    const a = readAttrs('Conv2DBackpropFilter', attrs);
    const x = requireInput('Conv2DBackpropFilter', inputs, 'x');
    const dy = requireInput('Conv2DBackpropFilter', inputs, 'dy');
    const filterShape = requireShape('Conv2DBackpropFilter', a.filterShape, 'filterShape');
    const info = convInfo(x.shape, filterShape, a, false);
    const [, , cin, cout] = filterShape;
    const dyFlat = s.reshape(dy, [info.batchSize * info.outHeight * info.outWidth, cout]);
    const dw = sumOverTaps(s, x, info, [cin, cout], (window) =>
      s.run('BatchMatMul', { a: window, b: dyFlat }, { transposeA: false, transposeB: false }),
    );
    return s.finish(dw);
  } finally {
    s.dispose();
  }
};

/** dW of DepthwiseConv2dNative: per tap and channel, Σ window · dy, summed by a matMul with a ones column. */
const depthwiseBackpropFilter: KernelFunc = ({ inputs, backend, attrs }) => {
  const s = new WasmScratch(asWasmBackend(backend, 'DepthwiseConv2dNativeBackpropFilter'));
  try {
    const a = readAttrs('DepthwiseConv2dNativeBackpropFilter', attrs);
    const x = requireInput('DepthwiseConv2dNativeBackpropFilter', inputs, 'x');
    const dy = requireInput('DepthwiseConv2dNativeBackpropFilter', inputs, 'dy');
    const filterShape = requireShape('DepthwiseConv2dNativeBackpropFilter', a.filterShape, 'filterShape');
    const info = convInfo(x.shape, filterShape, a, true);
    const [, , c, mult] = filterShape;
    const m = info.batchSize * info.outHeight * info.outWidth;
    // Output channel c*mult + k reads input channel c: dy channel-major is [C, mult, M], and the window
    // [C, 1, M] broadcasts over the multiplier.
    const dyFlat = s.reshape(dy, [m, c * mult]);
    const dyT = s.run('Transpose', { x: dyFlat }, { perm: [1, 0] });
    const dyView = s.reshape(dyT, mult === 1 ? [c, m] : [c, mult, m]);
    s.release(dyFlat);
    const ones = s.run('Fill', {}, { shape: [m, 1], value: 1, dtype: 'float32' });
    const dw = sumOverTaps(s, x, info, [c, mult], (window) => {
      const w = mult === 1 ? window : s.reshape(window, [c, 1, m]);
      const product = s.run('Multiply', { a: w, b: dyView });
      const flat = s.reshape(product, [c * mult, m]);
      const sum = s.run('BatchMatMul', { a: flat, b: ones }, { transposeA: false, transposeB: false });
      s.release(w, product, flat);
      return sum;
    });
    return s.finish(dw);
  } finally {
    s.dispose();
  }
};

/**
 * dx of DepthwiseConv2dNative: spread dy back to stride 1 with zeros (a pad of unit axes), pad it so a
 * 'valid' correlation has the input's size, and correlate with the flipped filter as a depthwise conv over
 * all C*mult channels; the channel multiplier is then summed out.
 */
const depthwiseBackpropInput: KernelFunc = ({ inputs, backend, attrs }) => {
  const s = new WasmScratch(asWasmBackend(backend, 'DepthwiseConv2dNativeBackpropInput'));
  try {
    const a = readAttrs('DepthwiseConv2dNativeBackpropInput', attrs);
    const dy = requireInput('DepthwiseConv2dNativeBackpropInput', inputs, 'dy');
    const filter = requireInput('DepthwiseConv2dNativeBackpropInput', inputs, 'filter');
    const inputShape = requireShape('DepthwiseConv2dNativeBackpropInput', a.inputShape, 'inputShape');
    const info = convInfo(inputShape, filter.shape, a, true);
    const [n, h, w, c] = inputShape;
    const [kh, kw, , mult] = shape4(filter);
    const {
      strideHeight: sh,
      strideWidth: sw,
      dilationHeight: dh,
      dilationWidth: dw,
      outHeight: oh,
      outWidth: ow,
    } = info;
    const k = c * mult;

    let spread = dy;
    if (sh > 1 || sw > 1) {
      const unit = s.reshape(dy, [n * oh, 1, ow, k]);
      const padded = s.pad(unit, [
        [0, 0],
        [0, sh - 1],
        [0, 0],
        [0, (sw - 1) * k],
      ]);
      spread = s.reshape(padded, [n, oh * sh, ow * sw, k]);
      s.release(unit, padded);
    }
    // The correlation needs H + (KH-1)*dh rows with the first dy row at (KH-1)*dh - padTop. Explicit pads
    // larger than the filter make that negative: then rows are cut instead of added.
    const top = (kh - 1) * dh - info.padInfo.top;
    const left = (kw - 1) * dw - info.padInfo.left;
    const bottom = h + (kh - 1) * dh - top - oh * sh;
    const right = w + (kw - 1) * dw - left - ow * sw;
    const grown = s.pad(spread, [
      [0, 0],
      [Math.max(0, top), Math.max(0, bottom)],
      [Math.max(0, left), Math.max(0, right)],
      [0, 0],
    ]);
    const fitted =
      top < 0 || left < 0 || bottom < 0 || right < 0
        ? s.slice(grown, [0, Math.max(0, -top), Math.max(0, -left), 0], [n, h + (kh - 1) * dh, w + (kw - 1) * dw, k])
        : grown;

    const flipped = s.run('Reverse', { x: filter }, { dims: [0, 1] });
    const perChannel = s.reshape(flipped, [kh, kw, k, 1]);
    const conv = s.run(
      'DepthwiseConv2dNative',
      { x: fitted, filter: perChannel },
      {
        strides: [1, 1],
        pad: 'valid',
        dilations: [dh, dw],
      },
    );
    if (mult === 1) return s.finish(conv);
    const split = s.reshape(conv, [n, h, w, c, mult]);
    return s.finish(s.run('Sum', { x: split }, { axis: [4], keepDims: false }));
  } finally {
    s.dispose();
  }
};

/** The gradient kernels this module adds to wasm, in registration order. */
export const fastGradientKernels: KernelConfig[] = [
  { kernelName: 'Conv2DBackpropFilter', backendName: 'wasm', kernelFunc: conv2DBackpropFilter },
  { kernelName: 'DepthwiseConv2dNativeBackpropFilter', backendName: 'wasm', kernelFunc: depthwiseBackpropFilter },
  { kernelName: 'DepthwiseConv2dNativeBackpropInput', backendName: 'wasm', kernelFunc: depthwiseBackpropInput },
];

/** Registers the kernels above for wasm (skipping any already there); returns the names registered now. */
export function registerFastGradients(): string[] {
  return fastGradientKernels.filter((k) => registerOwnKernel(k, 'fast')).map((k) => k.kernelName);
}
