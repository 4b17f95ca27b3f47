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

/**
 * Max |Δp| of an exported model's probabilities against the engine's, row by row; fails on another top-1
 * (naming the row's input) or a difference above `tolerance`.
 */
export function probabilityAgreement(
  engine: number[][],
  rows: number[][],
  loader: string,
  inputs: readonly string[],
  tolerance = 1e-4,
): number {
  assert.equal(rows.length, engine.length, `${loader}: one row per input`);
  let worst = 0;
  rows.forEach((row, i) => {
    const top = (r: number[]) => r.indexOf(Math.max(...r));
    assert.equal(top(row), top(engine[i]), `${loader}: top-1 of ${JSON.stringify(inputs[i])}`);
    row.forEach((p, k) => (worst = Math.max(worst, Math.abs(p - engine[i][k]))));
  });
  assert.ok(worst <= tolerance, `${loader}: max |Δp| ${worst} > ${tolerance}`);
  return worst;
}
