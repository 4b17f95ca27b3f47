// Random flips, small rotations, crops and brightness changes, drawn from the run's seeded generator so an
// augmented run is reproducible. Applied to training batches only.
import type { Augmentation, Preprocessing } from '../../../shared/engineTypes';
import * as tf from '../../tf';

export function augmentBatch(x: tf.Tensor4D, a: Augmentation, prep: Preprocessing, random: () => number): tf.Tensor4D {
  return tf.tidy(() => {
    const [n, h, w] = x.shape;
    let out: tf.Tensor4D = x;
    if (a.flip) {
      const flipped = tf.image.flipLeftRight(out);
      const mask = tf.tensor4d(
        Array.from({ length: n }, () => (random() < 0.5 ? 1 : 0)),
        [n, 1, 1, 1],
      );
      out = tf.add(tf.mul(flipped, mask), tf.mul(out, tf.sub(1, mask))) as tf.Tensor4D;
    }
    if (a.crop > 0) {
      // One box per image: keep (1 - c) of each side at a random offset, resize back to the input size.
      const boxes = Array.from({ length: n }, () => {
        const keep = 1 - random() * a.crop;
        const top = random() * (1 - keep);
        const left = random() * (1 - keep);
        return [top, left, top + keep, left + keep];
      });
      out = tf.image.cropAndResize(
        out,
        boxes,
        Array.from({ length: n }, (_, i) => i),
        [h, w],
      );
    }
    if (a.rotation > 0) {
      const fill = prep.scale === 'symmetric' ? -1 : 0;
      const slices = tf.split(out, n);
      out = tf.concat(
        slices.map((s) =>
          tf.image.rotateWithOffset(s as tf.Tensor4D, ((random() * 2 - 1) * a.rotation * Math.PI) / 180, fill),
        ),
      );
    }
    if (a.brightness > 0) {
      const range = prep.scale === 'raw' ? 255 : prep.scale === 'symmetric' ? 2 : 1;
      const lo = prep.scale === 'symmetric' ? -1 : 0;
      const delta = tf.tensor4d(
        Array.from({ length: n }, () => (random() * 2 - 1) * a.brightness * range),
        [n, 1, 1, 1],
      );
      out = tf.clipByValue(tf.add(out, delta), lo, lo + range) as tf.Tensor4D;
    }
    return out;
  });
}
