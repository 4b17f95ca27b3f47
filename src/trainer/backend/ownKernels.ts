// The kernel registry is global to tfjs and also holds the wasm backend's native kernels. We remember which
// wasm kernels we added, and how, so we can report them honestly and remove exactly ours (a benchmark swaps
// the fast kernels for borrowed ones) without ever touching a native kernel.
import * as tf from '../tf';
import type { KernelConfig, KernelFunc } from '../tf';

/** fast: composed from wasm kernels; borrowed: the cpu backend's kernel run on copied data. */
export type OwnKernelKind = 'fast' | 'borrowed';

const ours = new Map<string, OwnKernelKind>();

/** Registers `config` for wasm unless some kernel of that name is already there; true when it registered. */
export function registerOwnKernel(config: KernelConfig, kind: OwnKernelKind): boolean {
  if (tf.getKernel(config.kernelName, 'wasm') != null) return false;
  tf.registerKernel({ ...config, backendName: 'wasm' });
  ours.set(config.kernelName, kind);
  return true;
}

/** Names of the wasm kernels we registered, of one kind or of both, sorted. */
export function ownKernels(kind?: OwnKernelKind): string[] {
  return [...ours]
    .filter(([, k]) => kind == null || k === kind)
    .map(([name]) => name)
    .sort();
}

/** Removes the wasm kernels we registered (of one kind, or all); returns their names. */
export function unregisterOwnKernels(kind?: OwnKernelKind): string[] {
  const names = ownKernels(kind);
  for (const name of names) {
    tf.unregisterKernel(name, 'wasm');
    ours.delete(name);
  }
  return names;
}

/** Builds the kernel that runs in front of `next`, the kernel registered before under `name`. */
export type KernelWrapper = (next: KernelFunc, name: string) => KernelFunc;
const wrapped = new Set<KernelWrapper>();

/**
 * Puts `wrap` in front of the wasm kernels registered under `names`, once per wrapper. Two wrappers may
 * stack on one kernel: the one wrapped last runs first and falls through to the other. All or none: false
 * when one of the kernels is missing.
 */
export function wrapWasmKernels(names: string[], wrap: KernelWrapper): boolean {
  if (wrapped.has(wrap)) return true;
  const kernels = names.map((name) => tf.getKernel(name, 'wasm'));
  if (kernels.some((k) => k == null)) return false;
  for (const k of kernels as KernelConfig[]) {
    tf.unregisterKernel(k.kernelName, 'wasm');
    tf.registerKernel({ ...k, kernelFunc: wrap(k.kernelFunc, k.kernelName) });
  }
  wrapped.add(wrap);
  return true;
}
