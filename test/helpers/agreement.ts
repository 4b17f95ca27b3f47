// How close a backend's result is to a reference (the pure-JS cpu backend's, in the kernel tests).
import assert from 'node:assert/strict';

/** Largest absolute difference over the reference's largest magnitude; a reference of zeros is refused. */
export function relativeError(actual: Float32Array, expected: Float32Array): number {
  assert.equal(actual.length, expected.length, 'result sizes differ');
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    diff = Math.max(diff, Math.abs(actual[i] - expected[i]));
    scale = Math.max(scale, Math.abs(expected[i]));
  }
  assert.ok(scale > 0, 'the reference is all zeros: the case tests nothing');
  return diff / scale;
}
