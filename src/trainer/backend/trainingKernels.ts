// The SIMD training kernels of kernels/index.ts (AssemblyScript, built into dist/trainingKernels.wasm), run on
// the wasm backend's own heap: the module imports the backend's WebAssembly.Memory, so a kernel reads and
// writes tensors where they already are. When the module or that memory cannot be had (a tfjs build that
// hides its memory, a source tree never built), every caller keeps its previous path and says so in the
// backend line.
import fs from 'node:fs';
import path from 'node:path';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { TensorInfo } from '../tf';

const FILE = 'trainingKernels.wasm';
/** The module is about a kilobyte; anything this large is not ours. */
const MAX_BYTES = 1 << 20;

/** The exports of kernels/index.ts; pointers are byte offsets into the backend's heap. */
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
  depthwiseFilterGrad(
    x: number,
    dy: number,
    out: number,
    ...shape: [
      number,
      number,
      number,
      number,
      number,
      number,
      number,
      number,
      number,
      number,
      number,
      number,
      number,
      number,
    ]
  ): void;
}

const instances = new WeakMap<BackendWasm, TrainingKernels | null>();

/** Beside the bundle after a build; from sources (tests through tsx), in the repository's dist/. */
function moduleFile(): string | undefined {
  return [path.join(__dirname, FILE), path.resolve(__dirname, '../../../dist', FILE)].find((f) => fs.existsSync(f));
}

function instantiate(backend: BackendWasm): TrainingKernels | null {
  const memory = (backend.wasm as unknown as { asm?: { memory?: unknown } }).asm?.memory;
  const file = moduleFile();
  if (!(memory instanceof WebAssembly.Memory) || file == null || fs.statSync(file).size > MAX_BYTES) return null;
  const module = new WebAssembly.Module(fs.readFileSync(file));
  return new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as TrainingKernels;
}

/** The kernels bound to this backend's memory, or undefined when they cannot run here. */
export function trainingKernels(backend: BackendWasm): TrainingKernels | undefined {
  if (!instances.has(backend)) instances.set(backend, instantiate(backend));
  return instances.get(backend) ?? undefined;
}

/** The heap offset of a tensor's data on the wasm backend. */
export function heapOffset(backend: BackendWasm, t: TensorInfo): number {
  return (backend.dataIdMap.get(t.dataId) as { memoryOffset: number }).memoryOffset;
}
