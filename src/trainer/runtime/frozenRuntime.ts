// Which runtime computes the frozen part (the base below the cut) when features or activations are cached.
// ONNX Runtime's CPU library runs MobileNetV2's frozen part many times faster than two WASM instances (its
// convolutions are multi-threaded native code, BatchNorm folded by its graph optimizer), so it is the default
// when it loads and our exporter can express every layer; otherwise the WASM executor (frozenExecutor.ts)
// with one WASM instance per core (featurePool.ts) does the job, as before. The choice is made here only.
// One process, one session: ONNX Runtime threads inside it, so the WASM worker pool is not started for it.
import { createRequire } from 'node:module';
import type * as Ort from 'onnxruntime-node';
import type { InputArray } from '../data/kinds/dataKind';
import { inputTensors, modelInput } from '../data/kinds/tensors';
import { compileFrozen } from '../models/frozenExecutor';
import { extraThreads } from '../parallel/featurePool';
import * as tf from '../tf';
import { FROZEN_INPUT, FROZEN_OUTPUT, frozenOnnxBytes } from './frozenOnnx';
import { plural } from '../../shared/plural';

/** `auto`: ONNX Runtime when it loads and the part converts, else WASM (tfjs). */
export type FrozenRuntimePreference = 'auto' | 'onnxruntime' | 'tfjs';
export const FROZEN_RUNTIME_PREFERENCES: readonly FrozenRuntimePreference[] = ['auto', 'onnxruntime', 'tfjs'];
/** Environment override of the default, e.g. to compare both runtimes on the same data. */
export const FROZEN_RUNTIME_ENV = 'TRANSFER_STUDIO_FROZEN_RUNTIME';

export interface FrozenRunner {
  runtime: 'onnxruntime' | 'tfjs';
  /** One line for the log: which runtime ran, and why not the other. */
  detail: string;
  /** Whether the caller should shard batches across WASM worker threads (ONNX Runtime threads itself). */
  shardAcrossWorkers: boolean;
  /**
   * Output of the part for a batch of its inputs (as the kind's module decodes them: scaled NHWC pixels for
   * images), in TF.js's layout.
   */
  run(inputs: readonly InputArray[]): Promise<Float32Array>;
  dispose(): Promise<void>;
}

// A require esbuild does not follow: onnxruntime-node is native and may be absent for this platform.
const runtimeRequire = createRequire(__filename);
let openSessions = 0;

/** ONNX Runtime sessions created here and not yet released (tests check that none leak). */
export function openFrozenSessions(): number {
  return openSessions;
}

export function frozenRuntimePreference(explicit?: FrozenRuntimePreference): FrozenRuntimePreference {
  if (explicit) return explicit;
  const env = process.env[FROZEN_RUNTIME_ENV];
  if (!env) return 'auto';
  if (!(FROZEN_RUNTIME_PREFERENCES as readonly string[]).includes(env))
    throw new Error(`${FROZEN_RUNTIME_ENV}=${env} is not one of ${FROZEN_RUNTIME_PREFERENCES.join(', ')}.`);
  return env as FrozenRuntimePreference;
}

/**
 * Where a frozen part will run unless a layer has no ONNX form: ONNX Runtime when it is asked for or `auto` and
 * its binding loads, else tfjs. Loading the binding is what a session would do first anyway.
 */
export function frozenPartRuntime(preference = frozenRuntimePreference()): 'onnxruntime' | 'tfjs' {
  if (preference === 'tfjs') return 'tfjs';
  try {
    runtimeRequire('onnxruntime-node');
    return 'onnxruntime';
  } catch {
    return 'tfjs';
  }
}

/**
 * Starts the runner for a frozen model; `onnxruntime` fails rather than falling back. ONNX Runtime runs a
 * part with one fixed-size image input (frozenOnnx.ts); any other input runs on tfjs.
 */
export async function startFrozenRunner(
  model: tf.LayersModel,
  preference: FrozenRuntimePreference = frozenRuntimePreference(),
): Promise<FrozenRunner> {
  if (preference === 'tfjs') return tfjsRunner(model, 'asked for');
  // One session thread per core (TRANSFER_STUDIO_THREADS steers it). On a quiet 2-core machine the bench's
  // 1,797 images took 15.0 s on two threads and 22.4 s on one; sharp's decoding runs on libuv's threads beside
  // it. Leaving a core to decoding paid only while other jobs loaded the machine (40–68 s against 47–105 s).
  const threads = extraThreads() + 1;
  try {
    return await onnxRunner(model, threads);
  } catch (err) {
    const why = (err as Error).message.split('\n')[0];
    if (preference === 'onnxruntime') throw new Error(`ONNX Runtime cannot run the frozen part: ${why}`);
    return tfjsRunner(model, `onnxruntime-node not used: ${why}`);
  }
}

function tfjsRunner(model: tf.LayersModel, why: string): FrozenRunner {
  const frozen = compileFrozen(model);
  return {
    runtime: 'tfjs',
    detail: `frozen part on ${tf.getBackend()} (tfjs, BatchNorm folded; ${why})`,
    shardAcrossWorkers: true,
    run: async (inputs) => {
      const out = tf.tidy(() => frozen.predict(modelInput(inputTensors(inputs))));
      const data = (await out.data()) as Float32Array;
      out.dispose();
      return data;
    },
    dispose: async () => frozen.dispose(),
  };
}

async function onnxRunner(model: tf.LayersModel, threads: number): Promise<FrozenRunner> {
  const ort = runtimeRequire('onnxruntime-node') as typeof Ort;
  const bytes = frozenOnnxBytes(model);
  const session = await ort.InferenceSession.create(bytes, {
    executionProviders: ['cpu'],
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
    // Idle pool threads sleep instead of spinning: decoding (sharp) runs beside the session and needs the core.
    extra: { session: { intra_op: { allow_spinning: '0' } } },
  });
  openSessions++;
  let released = false;
  return {
    runtime: 'onnxruntime',
    detail: `frozen part on onnxruntime-node ${ort.env.versions.node ?? ort.env.versions.common} (CPU, ${plural(threads, 'thread')})`,
    shardAcrossWorkers: false,
    run: async ([pixels]) => {
      const input = new ort.Tensor('float32', pixels.data as Float32Array, pixels.shape);
      const out = await session.run({ [FROZEN_INPUT]: input });
      return out[FROZEN_OUTPUT].data as Float32Array;
    },
    dispose: async () => {
      if (released) return;
      released = true;
      openSessions--;
      await session.release();
    },
  };
}
