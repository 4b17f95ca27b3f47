// tfjs has no fallback between backends: a kernel missing on wasm is an error, even though the pure-JS cpu
// backend implements it. This is the generic safety net: run the cpu kernel on a copy of the inputs and copy
// the result back into wasm memory. It is slow (two copies plus JS arithmetic), which is why the kernels
// training actually hits have fast versions in wasmConvGradients.ts and this covers only what is left.
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import * as tf from '../tf';
import type { DataId, KernelConfig, KernelFunc, NamedTensorInfoMap, TensorInfo } from '../tf';
import { registerOwnKernel } from './ownKernels';
import { asWasmBackend } from './wasmScratch';

/**
 * Kernels whose tensors are complex64, which wasm memory cannot hold (cpu keeps them as real/imag pairs),
 * and Draw, which paints on a browser canvas: borrowing these could only fail later and less clearly.
 */
const unborrowable = new Set(['Complex', 'ComplexAbs', 'FFT', 'IFFT', 'Imag', 'Real', 'Draw']);

let cpu: MathBackendCPU | undefined;

/** A private cpu backend: its memory never mixes with the engine's, and nothing else disposes into it. */
function cpuBackend(): MathBackendCPU {
  cpu ??= new MathBackendCPU();
  return cpu;
}

/** Kernels the cpu backend has, wasm lacks, and that can run through a copy (see `unborrowable`), sorted. */
export function kernelsMissingOnWasm(): string[] {
  const onWasm = new Set(tf.getKernelsForBackend('wasm').map((k) => k.kernelName));
  return tf
    .getKernelsForBackend('cpu')
    .map((k) => k.kernelName)
    .filter((name) => !onWasm.has(name) && !unborrowable.has(name))
    .sort();
}

/** wasm copies raw bytes, so the array type must match the dtype (cpu kernels are not always strict). */
function forWasm(values: tf.backend_util.BackendValues, dtype: tf.DataType): tf.backend_util.BackendValues {
  if (dtype === 'string') return values;
  const Ctor = dtype === 'int32' ? Int32Array : dtype === 'bool' ? Uint8Array : Float32Array;
  return values instanceof Ctor ? values : Ctor.from(values as ArrayLike<number>);
}

function borrow(kernelName: string, cpuKernel: KernelFunc): KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const wasm = asWasmBackend(backend, kernelName);
    const host = cpuBackend();
    const written: DataId[] = [];
    const produced: TensorInfo[] = [];
    try {
      const cpuInputs: NamedTensorInfoMap = {};
      // Inputs may come as a named map or (Concat-like kernels) as a list; both enumerate the same way.
      for (const [name, t] of Object.entries(inputs)) {
        if (t == null) continue;
        if (t.dtype === 'complex64') throw new Error(`${kernelName}: complex64 tensors are not supported on wasm.`);
        const dataId = host.write(wasm.readSync(t.dataId), t.shape, t.dtype);
        written.push(dataId);
        cpuInputs[name] = { dataId, shape: t.shape, dtype: t.dtype };
      }
      const passInputs = Array.isArray(inputs)
        ? (Object.values(cpuInputs) as unknown as NamedTensorInfoMap)
        : cpuInputs;
      const out = cpuKernel({ inputs: passInputs, backend: host, attrs });
      const outs = Array.isArray(out) ? out : [out];
      produced.push(...outs);
      const copied: TensorInfo[] = [];
      try {
        for (const o of outs) {
          if (o.dtype === 'complex64') throw new Error(`${kernelName}: complex64 results are not supported on wasm.`);
          // The raw storage, not readSync: for strings that is the encoded bytes wasm stores as well.
          const values = host.data.get(o.dataId).values;
          if (values == null) throw new Error(`${kernelName}: the cpu kernel produced a tensor without values.`);
          copied.push(wasm.makeOutput(o.shape, o.dtype, undefined, forWasm(values, o.dtype)));
        }
      } catch (err) {
        for (const c of copied) wasm.disposeData(c.dataId);
        throw err;
      }
      return Array.isArray(out) ? copied : copied[0];
    } finally {
      // Outputs first: one may be an input passed through with an extra reference.
      for (const o of produced) host.disposeData(o.dataId);
      for (const id of written) host.disposeData(id);
    }
  };
}

/** The borrowed kernel config for one kernel name (the cpu backend must have it). */
export function borrowedKernelConfig(kernelName: string): KernelConfig {
  const cpuKernel = tf.getKernel(kernelName, 'cpu');
  if (cpuKernel == null) throw new Error(`The cpu backend has no ${kernelName} kernel to borrow.`);
  return { kernelName, backendName: 'wasm', kernelFunc: borrow(kernelName, cpuKernel.kernelFunc) };
}

/**
 * Registers borrowed versions of `names` (default: every kernel missing on wasm). Names that already have a
 * wasm kernel are skipped, so call `unregisterOwnKernels('fast')` first to measure the borrowed path.
 * Returns the names it registered.
 */
export function registerBorrowedKernels(names: string[] = kernelsMissingOnWasm()): string[] {
  return names.filter((name) => registerOwnKernel(borrowedKernelConfig(name), 'borrowed'));
}
