// The wasm backend's native Conv2DBackpropInput is a plain loop over every input pixel, filter tap and channel
// pair, outside XNNPACK: profiling a second-phase step of MobileNetV2 (blocks 15–16 and Conv_1 trainable,
// batch 16) put 1.6 s of 2.2 s in it. Every conv trained there is 1×1 at stride 1 (pointwise), and for those
// the input gradient is one matMul, dx = dy · Wᵀ, which XNNPACK runs fast. Other shapes keep the native kernel.
import * as tf from '../tf';
import type { KernelFunc, TensorInfo } from '../tf';
import { asWasmBackend, WasmScratch } from './wasmScratch';
import { wrapWasmKernels } from './ownKernels';

const NAME = 'Conv2DBackpropInput';

interface BackpropInputAttrs {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat?: 'NHWC' | 'NCHW';
  inputShape: number[];
}

/** True when dx is dy · Wᵀ: a 1×1 filter, stride 1, no padding that shifts pixels, channels last. */
function isPointwise(dy: TensorInfo, filter: TensorInfo, a: BackpropInputAttrs): boolean {
  const [kh, kw] = filter.shape;
  const strides = Array.isArray(a.strides) ? a.strides : [a.strides, a.strides];
  const noShift = a.pad === 'same' || a.pad === 'valid' || a.pad === 0;
  return (
    kh === 1 &&
    kw === 1 &&
    strides[0] === 1 &&
    strides[1] === 1 &&
    noShift &&
    a.dataFormat !== 'NCHW' &&
    dy.shape.length === 4 &&
    dy.shape[1] === a.inputShape[1] &&
    dy.shape[2] === a.inputShape[2]
  );
}

function pointwise(native: KernelFunc): KernelFunc {
  return (args) => {
    const { dy, filter } = args.inputs;
    const a = args.attrs as unknown as BackpropInputAttrs;
    if (dy == null || filter == null || !isPointwise(dy, filter, a)) return native(args);
    const s = new WasmScratch(asWasmBackend(args.backend, NAME));
    try {
      const [n, h, w, cout] = dy.shape;
      const cin = filter.shape[2];
      const dyFlat = s.reshape(dy, [n * h * w, cout]);
      const wFlat = s.reshape(filter, [cin, cout]);
      // Our SIMD product packs Wᵀ directly; without it, transposedMatMul.ts transposes W before XNNPACK.
      const dx = s.run('BatchMatMul', { a: dyFlat, b: wFlat }, { transposeA: false, transposeB: true });
      return s.finish(s.reshape(dx, [n, h, w, cin]));
    } finally {
      s.dispose();
    }
  };
}

/** Wraps the native wasm kernel with the pointwise fast path (once); false when there is nothing to wrap. */
export function registerPointwiseBackpropInput(): boolean {
  return wrapWasmKernels([NAME], pointwise);
}
