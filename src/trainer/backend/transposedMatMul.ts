// The wasm BatchMatMul reads a transposed operand in place, which XNNPACK does not do fast: measured on
// [784,960]·[160,960]ᵀ, 128 ms with transposeB against 10 ms for a copy transposed first (and 203 ms against
// 9 ms for transposeA on [960,784]ᵀ·[784,160]). tfjs' own MatMul and Dense gradients ask for exactly those
// transposes, so the wrapper transposes the operand explicitly (a copy of one matrix) and multiplies plain.
import type { KernelFunc, TensorInfo } from '../tf';
import { asWasmBackend, WasmScratch } from './wasmScratch';
import { wrapWasmKernels } from './ownKernels';

const NAME = 'BatchMatMul';

interface MatMulAttrs {
  transposeA?: boolean;
  transposeB?: boolean;
}

function explicitTranspose(native: KernelFunc): KernelFunc {
  return (args) => {
    const { a, b } = args.inputs;
    const { transposeA, transposeB } = args.attrs as unknown as MatMulAttrs;
    if (a == null || b == null || (!transposeA && !transposeB)) return native(args);
    const s = new WasmScratch(asWasmBackend(args.backend, NAME));
    const swapLast = (t: TensorInfo) => {
      const perm = t.shape.map((_, i) => i);
      [perm[perm.length - 2], perm[perm.length - 1]] = [perm[perm.length - 1], perm[perm.length - 2]];
      return s.run('Transpose', { x: t }, { perm });
    };
    try {
      const out = native({
        ...args,
        inputs: { a: transposeA ? swapLast(a) : a, b: transposeB ? swapLast(b) : b },
        attrs: { ...args.attrs, transposeA: false, transposeB: false },
      });
      if (Array.isArray(out)) throw new Error(`${NAME} returned several outputs where one was expected.`);
      return out;
    } finally {
      s.dispose();
    }
  };
}

/** Wraps the native wasm BatchMatMul (once); false when there is nothing to wrap. */
export function registerTransposedMatMul(): boolean {
  return wrapWasmKernels([NAME], explicitTranspose);
}
