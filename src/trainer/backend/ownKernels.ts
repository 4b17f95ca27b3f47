// The kernel registry is global to tfjs and also holds the wasm backend's native kernels. We remember which
// wasm kernels we added, and how, so we can report them honestly and remove exactly ours (a benchmark swaps
// the fast kernels for borrowed ones) without ever touching a native kernel.
import * as tf from '../tf';
import type { KernelConfig } from '../tf';

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
