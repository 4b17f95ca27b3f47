// Keras model files made by real Keras 3 (test/python/make_keras_fixtures.py) for the import tests. About
// 1 GB and minutes to make, so they live in the user's cache, outside any clone, and a stamp (the script's
// hash and the Keras version) lets a later run, or a fresh clone on the same machine, reuse them.
import os from 'node:os';
import path from 'node:path';
import { fixture, ROOT } from './fixtures';
import { runPython } from './python';

export const KERAS_FIXTURES =
  process.env.TRANSFER_STUDIO_KERAS_FIXTURES ??
  path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'transfer-studio/keras-fixtures');

/** What the script records about one family (see make_keras_fixtures.py). */
export interface KerasFamilyFixture {
  input: [number, number, number];
  featureLayer: string;
  featureShape: number[];
  scale: 'raw' | 'symmetric';
  params: number;
  layers: string[];
  seconds: number;
}

/** Makes (or finds) the fixtures of `families`; returns the manifest of all that exist. */
export function makeKerasFixtures(families: readonly string[]): Record<string, KerasFamilyFixture> {
  const script = path.join(ROOT, 'test/python/make_keras_fixtures.py');
  const out = runPython(script, [KERAS_FIXTURES, fixture('photos'), families.join(',')]);
  return (JSON.parse(out.trim().split('\n').pop() ?? '{}') as { families: Record<string, KerasFamilyFixture> })
    .families;
}
