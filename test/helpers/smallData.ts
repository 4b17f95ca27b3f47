// Small real inputs for the fault suite: subsets of the MNIST digit fixtures copied into new folder layouts,
// and tiny conv bases with a fixed input shape saved as standard tfjs LayersModels.
import fs from 'node:fs';
import path from 'node:path';
import type { Sample } from '../../src/shared/split';
import * as tf from '../../src/trainer/tf';
import { fixture } from './fixtures';

/** A small conv base with a fixed input shape, saved as a standard tfjs LayersModel. */
export function imageBase(shape: [number, number, number], filters: number): tf.LayersModel {
  const input = tf.input({ shape, name: 'pixels' });
  let x = tf.layers
    .conv2d({
      filters,
      kernelSize: 3,
      padding: 'same',
      activation: 'relu',
      name: 'conv_a',
      kernelInitializer: tf.initializers.heNormal({ seed: 1 }),
    })
    .apply(input) as tf.SymbolicTensor;
  x = tf.layers.maxPooling2d({ poolSize: 2, name: 'pool_a' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.globalAveragePooling2d({ name: 'gap' }).apply(x) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: 4, activation: 'softmax', name: 'logits' }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out });
}

/**
 * Copies the first `n` PNGs of each digit class into `dest/<digit>` (or straight into `dest` for one digit),
 * optionally into subfolders.
 */
export function copyDigits(
  dest: string,
  digits: string[],
  n: number,
  subfolder: (i: number) => string = () => '',
): string {
  for (const d of digits) {
    const from = path.join(fixture('digits-0-4'), d);
    const files = fs
      .readdirSync(from)
      .filter((f) => f.endsWith('.png'))
      .sort()
      .slice(0, n);
    files.forEach((f, i) => {
      const to = path.join(digits.length === 1 ? dest : path.join(dest, d), subfolder(i));
      fs.mkdirSync(to, { recursive: true });
      fs.copyFileSync(path.join(from, f), path.join(to, f));
    });
  }
  return dest;
}

/** The first `per` PNGs after the `from`-th of each class of the digits-0-4 fixture, labelled by digit. */
export function digitSamples(from: number, per: number): Sample[] {
  const dir = fixture('digits-0-4');
  return [0, 1, 2, 3, 4].flatMap((label) =>
    fs
      .readdirSync(path.join(dir, String(label)))
      .filter((f) => f.endsWith('.png'))
      .sort()
      .slice(from, from + per)
      .map((f) => ({ path: path.join(dir, String(label), f), label })),
  );
}
