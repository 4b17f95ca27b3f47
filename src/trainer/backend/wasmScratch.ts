// Our gradient kernels are compositions of the wasm backend's own kernels. Calling those kernel functions
// directly (not through tf ops) keeps the work inside WASM and out of the engine's bookkeeping and autodiff
// tape, but every output is then ours to free: this helper owns them so a kernel cannot leak one.
import { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import * as tf from '../tf';
import type { NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '../tf';

/** Narrows the untyped backend a kernel receives; our kernels only make sense on wasm memory. */
export function asWasmBackend(backend: unknown, kernelName: string): BackendWasm {
  if (!(backend instanceof BackendWasm)) {
    throw new Error(`${kernelName}: this kernel is registered for the wasm backend only.`);
  }
  return backend;
}

/** Runs wasm kernels and remembers every output, so one `dispose()` frees all intermediates. */
export class WasmScratch {
  private readonly owned = new Set<TensorInfo>();

  constructor(readonly backend: BackendWasm) {}

  run(kernelName: string, inputs: NamedTensorInfoMap, attrs: NamedAttrMap = {}): TensorInfo {
    const kernel = tf.getKernel(kernelName, 'wasm');
    if (kernel == null) throw new Error(`The wasm backend has no ${kernelName} kernel.`);
    const out = kernel.kernelFunc({ inputs, backend: this.backend, attrs });
    if (Array.isArray(out)) throw new Error(`${kernelName} returned several outputs where one was expected.`);
    this.owned.add(out);
    return out;
  }

  reshape(x: TensorInfo, shape: number[]): TensorInfo {
    return this.run('Reshape', { x }, { shape });
  }

  /**
   * A plain slice; a no-op (no copy) when it covers the whole tensor. Rank-4 float32 slices copy rows straight
   * out of the heap: the wasm Slice kernel first copies its entire input out of the heap (readSync), which
   * for the tap loops of the gradient kernels doubled their cost.
   */
  slice(x: TensorInfo, begin: number[], size: number[]): TensorInfo {
    if (begin.every((b) => b === 0) && size.every((d, i) => d === x.shape[i])) return this.reshape(x, size);
    if (x.shape.length !== 4 || x.dtype !== 'float32') return this.run('Slice', { x }, { begin, size });
    const out = this.backend.makeOutput(size, 'float32');
    this.owned.add(out);
    // Views only after makeOutput: a malloc that grows the heap detaches earlier views.
    const src = this.backend.typedArrayFromHeap(x);
    const dst = this.backend.typedArrayFromHeap(out);
    const [, s1, s2, s3] = x.shape;
    const row = size[3];
    let o = 0;
    for (let i = begin[0]; i < begin[0] + size[0]; i++) {
      for (let j = begin[1]; j < begin[1] + size[1]; j++) {
        for (let k = begin[2]; k < begin[2] + size[2]; k++) {
          const from = ((i * s1 + j) * s2 + k) * s3 + begin[3];
          dst.set(src.subarray(from, from + row), o);
          o += row;
        }
      }
    }
    return out;
  }

  /** Concat takes its inputs as a list, which the kernel signature can only carry as a cast. */
  concat(tensors: TensorInfo[], axis: number): TensorInfo {
    return this.run('Concat', tensors as unknown as NamedTensorInfoMap, { axis });
  }

  /** Zero padding; a no-op (no copy) when every amount is zero. */
  pad(x: TensorInfo, paddings: [number, number][]): TensorInfo {
    if (paddings.every(([before, after]) => before === 0 && after === 0)) return x;
    return this.run('PadV2', { x }, { paddings, constantValue: 0 });
  }

  /** Frees intermediates early: a tap loop would otherwise hold every slice of a large image batch. */
  release(...tensors: TensorInfo[]): void {
    for (const t of tensors) {
      if (this.owned.delete(t)) this.backend.disposeData(t.dataId);
    }
  }

  /** Hands `result` to the caller (the engine) and frees everything else. */
  finish(result: TensorInfo): TensorInfo {
    // An input passed through unchanged is still the caller's: the engine needs a reference of its own.
    if (!this.owned.delete(result)) this.backend.incRef(result.dataId);
    this.dispose();
    return result;
  }

  dispose(): void {
    for (const t of this.owned) this.backend.disposeData(t.dataId);
    this.owned.clear();
  }
}
