// The SIMD training kernels of kernels/ (AssemblyScript, built into dist/), run on the wasm backend's own
// heap: the module imports the backend's WebAssembly.Memory, so a kernel reads and writes tensors where they
// already are. When the module or that memory cannot be had (a tfjs build that hides its memory, a source
// tree never built), every caller keeps its previous path, and the backend line says which ran.
//
// The module is built twice: with relaxed SIMD (a fused multiply-add in the matrix product, about 1.3× the
// plain build's speed) and without. Node 22+ and VS Code's Electron run relaxed SIMD as standard; Node 20's
// V8 has it behind a flag, which we set unless TRANSFER_STUDIO_RELAXED_SIMD=0. Either way the relaxed module
// must reproduce a small product exactly as the plain one computes it, within float32 rounding, before it
// is used.
import fs from 'node:fs';
import path from 'node:path';
import v8 from 'node:v8';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { TensorInfo } from '../tf';

const PLAIN = 'trainingKernels.wasm';
const RELAXED = 'trainingKernelsRelaxed.wasm';
/** Each module is a few kilobytes; anything this large is not ours. */
const MAX_BYTES = 1 << 20;
export const RELAXED_SIMD_ENV = 'TRANSFER_STUDIO_RELAXED_SIMD';

/** The exports of kernels/; pointers are byte offsets into the backend's heap. */
export interface TrainingKernels {
  clipGrad(x: number, dy: number, out: number, size: number, lo: number, hi: number): void;
  channelSums(x: number, mean: number, dy: number, out: number, rows: number, channels: number): void;
  batchNormInference(
    x: number,
    mean: number,
    factor: number,
    offset: number,
    out: number,
    rows: number,
    channels: number,
  ): void;
  depthwiseFilterGrad(x: number, dy: number, out: number, ...shape: number[]): void;
  packedSize(k: number, n: number): number;
  packPanels(b: number, packed: number, k: number, n: number, transposed: boolean): void;
  transpose(a: number, out: number, rows: number, cols: number): void;
  gemm(a: number, packed: number, bias: number, c: number, m: number, k: number, n: number, activation: number): void;
  /** Pointers (value, m, v, g1, g2, three outputs), the size, then w1, w2, β1, 1 − β1, β2, 1 − β2, the two
   * corrections, the rate and ε. */
  adamStep(...args: number[]): void;
}

/** The kernels bound to one backend, and whether they multiply-add fused (relaxed SIMD). */
interface Bound {
  kernels: TrainingKernels;
  relaxed: boolean;
}

const bound = new WeakMap<BackendWasm, Bound | null>();

/** Beside the bundle after a build; from sources (tests through tsx), in the repository's dist/. */
function read(file: string): Buffer<ArrayBuffer> | undefined {
  const found = [path.join(__dirname, file), path.resolve(__dirname, '../../../dist', file)].find((f) =>
    fs.existsSync(f),
  );
  return found == null || fs.statSync(found).size > MAX_BYTES ? undefined : fs.readFileSync(found);
}

/** Node 20's V8 validates relaxed SIMD only behind its experimental flag (standard from V8 11.4). */
function relaxedValid(bytes: Buffer<ArrayBuffer>): boolean {
  if (WebAssembly.validate(bytes)) return true;
  if (process.env[RELAXED_SIMD_ENV] === '0' || !process.versions.v8.startsWith('11.3.')) return false;
  v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
  return WebAssembly.validate(bytes);
}

function instantiate(bytes: Buffer<ArrayBuffer>, memory: WebAssembly.Memory): TrainingKernels {
  return new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } })
    .exports as unknown as TrainingKernels;
}

/** A module that will not link (a shared memory of a threaded build, say) leaves the previous paths. */
function bind(backend: BackendWasm): Bound | null {
  try {
    return bindOrThrow(backend);
  } catch {
    return null;
  }
}

function bindOrThrow(backend: BackendWasm): Bound | null {
  const memory = (backend.wasm as unknown as { asm?: { memory?: unknown } }).asm?.memory;
  const plainBytes = read(PLAIN);
  if (!(memory instanceof WebAssembly.Memory) || plainBytes == null) return null;
  const plain = instantiate(plainBytes, memory);
  const relaxedBytes = process.env[RELAXED_SIMD_ENV] === '0' ? undefined : read(RELAXED);
  if (relaxedBytes == null || !relaxedValid(relaxedBytes)) return { kernels: plain, relaxed: false };
  const relaxed = instantiate(relaxedBytes, memory);
  return agreeOnProduct(backend, plain, relaxed)
    ? { kernels: relaxed, relaxed: true }
    : { kernels: plain, relaxed: false };
}

/** A 9×13 · 13×11 product with bias and ReLU6 (both row and column tails) by both modules, compared. */
function agreeOnProduct(backend: BackendWasm, plain: TrainingKernels, relaxed: TrainingKernels): boolean {
  const [m, k, n] = [9, 13, 11];
  const sizes = [m * k, k * n, n, plain.packedSize(k, n), m * n, m * n];
  const buffers = sizes.map((s) => backend.makeOutput([s], 'float32'));
  try {
    const [a, b, bias, packed, one, other] = buffers.map((t) => heapOffset(backend, t));
    const heap = (t: TensorInfo) => backend.typedArrayFromHeap(t) as Float32Array;
    buffers.slice(0, 3).forEach((t, i) => heap(t).forEach((_, j, v) => (v[j] = Math.sin(7 * j + i) * 2)));
    plain.packPanels(b, packed, k, n, false);
    plain.gemm(a, packed, bias, one, m, k, n, 2);
    relaxed.gemm(a, packed, bias, other, m, k, n, 2);
    const [p, r] = [heap(buffers[4]), heap(buffers[5])];
    return p.every((v, i) => Math.abs(v - r[i]) <= 1e-5 * (1 + Math.abs(v)));
  } finally {
    for (const t of buffers) backend.disposeData(t.dataId);
  }
}

/** The kernels bound to this backend's memory, or undefined when they cannot run here. */
export function trainingKernels(backend: BackendWasm): TrainingKernels | undefined {
  return boundTo(backend)?.kernels;
}

/** True when the bound kernels use relaxed SIMD's fused multiply-add. */
export function relaxedSimd(backend: BackendWasm): boolean {
  return boundTo(backend)?.relaxed === true;
}

function boundTo(backend: BackendWasm): Bound | undefined {
  if (!bound.has(backend)) bound.set(backend, bind(backend));
  return bound.get(backend) ?? undefined;
}

/** The heap offset of a tensor's data on the wasm backend. */
export function heapOffset(backend: BackendWasm, t: TensorInfo): number {
  return backend.dataIdMap.get(t.dataId)!.memoryOffset;
}
