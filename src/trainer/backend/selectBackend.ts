// Which engine runs the math decides whether training takes minutes or hours, so the choice is made once,
// explicitly, and reported with every run. Native TensorFlow (tfjs-node) is fastest but is an optional
// dependency that often cannot install; WASM always works offline once its missing gradient kernels are
// supplied; the pure-JS cpu backend is the last resort.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
// A named import, not a bare one: the package's sideEffects field lets esbuild drop a bare import, and with
// it the registration of the cpu backend.
import { version_cpu } from '@tensorflow/tfjs-backend-cpu';
import { BackendWasm, getThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import type { BackendInfo, BackendPreference } from '../../shared/engineTypes';
import * as tf from '../tf';
import { registerAdamKernel } from './adamKernel';
import { registerBatchNormInference } from './batchNormInference';
import { registerBorrowedKernels } from './borrowedKernels';
import { registerDepthwiseFilterLoop } from './depthwiseFilterLoop';
import { ownKernels } from './ownKernels';
import { registerPointwiseBackpropInput } from './pointwiseBackpropInput';
import { relaxedSimd, trainingKernels } from './trainingKernels';
import { registerSharedIdentity } from './sharedIdentity';
import { registerSimdMatMul } from './simdMatMul';
import { registerTransposedMatMul } from './transposedMatMul';
import { registerWasmGradientOverrides } from './wasmGradientOverrides';
import { registerFastGradients } from './wasmConvGradients';
import { plural } from '../../shared/plural';

const SIMD_BINARY = 'tfjs-backend-wasm-simd.wasm';

// A require that esbuild cannot follow: tfjs-node is external and usually absent, and must stay a run-time
// question rather than a build error.
const runtimeRequire = createRequire(__filename);

let wasmPathsSet = false;

/** Loads native TensorFlow if it is installed; returns why not otherwise. */
async function tryTensorflow(): Promise<BackendInfo | string> {
  try {
    runtimeRequire('@tensorflow/tfjs-node');
  } catch (err) {
    return `@tensorflow/tfjs-node is not installed or failed to load (${(err as Error).message.split('\n')[0]})`;
  }
  if (!(await tf.setBackend('tensorflow'))) return '@tensorflow/tfjs-node loaded but its backend did not start';
  return {
    name: 'tensorflow',
    detail: 'tensorflow (native TensorFlow through @tensorflow/tfjs-node)',
    borrowedKernels: [],
  };
}

/**
 * The .wasm binaries sit beside the bundle after a build (the build copies them into dist/), and in the
 * package's own dist/ when the sources run unbundled (tests through tsx).
 */
function wasmBinaryDir(): string {
  if (fs.existsSync(path.join(__dirname, SIMD_BINARY))) return __dirname;
  try {
    return path.dirname(runtimeRequire.resolve('@tensorflow/tfjs-backend-wasm'));
  } catch {
    throw new Error(`Cannot find ${SIMD_BINARY} next to ${__dirname} nor the @tensorflow/tfjs-backend-wasm package.`);
  }
}

async function startWasm(): Promise<BackendInfo> {
  if (!wasmPathsSet) {
    setWasmPaths(wasmBinaryDir() + path.sep);
    wasmPathsSet = true;
  }
  if (!(await tf.setBackend('wasm'))) throw new Error('The WASM backend failed to start (see the warning above).');
  registerFastGradients();
  registerBorrowedKernels();
  const pointwise = registerPointwiseBackpropInput();
  const transposed = registerTransposedMatMul();
  const depthwiseLoop = registerDepthwiseFilterLoop();
  const overrides = registerWasmGradientOverrides();
  registerBatchNormInference();
  registerSimdMatMul();
  registerAdamKernel();
  const sharing = registerSharedIdentity();
  const backend = tf.backend();
  const simdKernels = backend instanceof BackendWasm && trainingKernels(backend) != null;
  const fma = simdKernels && relaxedSimd(backend as BackendWasm);
  const fast = ownKernels('fast');
  const borrowed = ownKernels('borrowed');
  const simd = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) === true;
  const threads = getThreadsCount();
  const detail =
    // tfjs' own thread count: each WASM instance's, not the process's (the worker pool adds instances).
    `wasm (${simd ? 'SIMD' : 'no SIMD'}, ${plural(threads, 'thread')} per instance)` +
    ` + ${fast.length} gradient kernels from transfer-studio (${fast.join(', ')})` +
    ` + ${borrowed.length} kernels borrowed from cpu (slow path)` +
    (pointwise ? ' + a matMul path for 1×1 Conv2DBackpropInput' : '') +
    (transposed ? ' + explicit transposes for BatchMatMul' : '') +
    (depthwiseLoop ? ' + a heap loop for small depthwise filter gradients' : '') +
    (overrides ? ' + BatchNorm and ReLU6 gradients without Tile or masks' : '') +
    (sharing ? ' + Identity sharing data instead of copying' : '') +
    (simdKernels
      ? ` + SIMD training kernels (matrix products and 1×1 convolutions${fma ? ' with fused multiply-add' : ''},` +
        ' BatchNorm, ReLU6 gradient, depthwise filter gradient, Adam)'
      : '');
  return { name: 'wasm', detail, borrowedKernels: borrowed };
}

async function startCpu(): Promise<BackendInfo> {
  if (!(await tf.setBackend('cpu'))) throw new Error('The cpu backend failed to start.');
  const detail = `cpu (pure JavaScript, tfjs-backend-cpu ${version_cpu}; convolution gradients are very slow)`;
  return { name: 'cpu', detail, borrowedKernels: [] };
}

/**
 * Selects and starts the backend (auto: tfjs-node, else wasm with our gradient kernels, else cpu) and
 * says what it picked. Safe to call again; an explicit preference that cannot start is an error.
 */
export async function initBackend(preference: BackendPreference = 'auto'): Promise<BackendInfo> {
  if (preference === 'cpu') return startCpu();
  if (preference === 'wasm') return startWasm();
  const native = await tryTensorflow();
  if (typeof native !== 'string') return native;
  if (preference === 'tensorflow') throw new Error(`The tensorflow backend is unavailable: ${native}.`);
  try {
    return await startWasm();
  } catch (err) {
    const cpu = await startCpu();
    return { ...cpu, detail: `${cpu.detail}; wasm failed: ${(err as Error).message}` };
  }
}
