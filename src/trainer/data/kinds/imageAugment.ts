// Random flips, small rotations, crops and brightness changes, drawn from the run's seeded generator so an
// augmented run is reproducible. Applied to training batches only, on the decoded pixels in plain typed-array
// code: each output pixel is mapped back through the rotation, the crop and the flip to one bilinear sample
// of the decoded image. The tfjs image ops did this in four passes on the WASM backend (a tensor per image
// for the rotation): profiled on 141 images at 224×224, that was 12 of an epoch's 15.5 s before the frozen
// part and the top; this takes well under a second.
import type { Augmentation, Preprocessing } from '../../../shared/engineTypes';
import type { InputArray } from './dataKind';

/** One image's random choices. The crop keeps `keep` of each side from (`top`, `left`), as fractions. */
interface Draw {
  flip: boolean;
  top: number;
  left: number;
  keep: number;
  radians: number;
  delta: number;
}

/** The value range of scaled pixels: [lo, lo + range]. */
function valueRange(prep: Preprocessing): { lo: number; range: number } {
  if (prep.scale === 'raw') return { lo: 0, range: 255 };
  return prep.scale === 'symmetric' ? { lo: -1, range: 2 } : { lo: 0, range: 1 };
}

/** Choices for `n` images, drawn kind by kind (all flips, then all crops, …) as the tensor version drew them. */
function draws(n: number, a: Augmentation, range: number, random: () => number): Draw[] {
  const each = <T>(f: () => T) => Array.from({ length: n }, f);
  const flips = each(() => a.flip && random() < 0.5);
  const crops = each(() => {
    if (!(a.crop > 0)) return { top: 0, left: 0, keep: 1 };
    const keep = 1 - random() * a.crop;
    return { keep, top: random() * (1 - keep), left: random() * (1 - keep) };
  });
  const angles = each(() => (a.rotation > 0 ? ((random() * 2 - 1) * a.rotation * Math.PI) / 180 : 0));
  const deltas = each(() => (a.brightness > 0 ? (random() * 2 - 1) * a.brightness * range : 0));
  return flips.map((flip, i) => ({ flip, ...crops[i], radians: angles[i], delta: deltas[i] }));
}

interface Geometry {
  h: number;
  w: number;
  c: number;
  /** Value outside the rotated image. */
  fill: number;
  /** Clip bounds after the brightness change (infinite when brightness is off, as before: no clip). */
  lo: number;
  hi: number;
}

/**
 * One image from `src` at `at` into `out` at `at`. Output pixel (y, x) rotates about the centre (as
 * tf.image.rotateWithOffset: outside the image it is `fill`), then reads the crop box resized to the full
 * size (as tf.image.cropAndResize), mirrored when flipped.
 */
function resample(src: Float32Array, out: Float32Array, at: number, g: Geometry, d: Draw): void {
  const { h, w, c } = g;
  const cos = Math.cos(d.radians);
  const sin = Math.sin(d.radians);
  const cx = w * 0.5;
  const cy = h * 0.5;
  const clip = (v: number) => (v < g.lo ? g.lo : v > g.hi ? g.hi : v);
  const outside = clip(g.fill + d.delta);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const o = at + (y * w + x) * c;
      const rx = cx + (x - cx) * cos - (y - cy) * sin;
      const ry = cy + (x - cx) * sin + (y - cy) * cos;
      if (rx < -0.5 || rx >= w - 0.5 || ry < -0.5 || ry >= h - 0.5) {
        for (let k = 0; k < c; k++) out[o + k] = outside;
        continue;
      }
      const cropX = d.left * (w - 1) + Math.min(Math.max(rx, 0), w - 1) * d.keep;
      const sy = d.top * (h - 1) + Math.min(Math.max(ry, 0), h - 1) * d.keep;
      const sx = d.flip ? w - 1 - cropX : cropX;
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const fx = sx - x0;
      const fy = sy - y0;
      const x1 = Math.min(x0 + 1, w - 1);
      const y1 = Math.min(y0 + 1, h - 1);
      const p00 = at + (y0 * w + x0) * c;
      const p01 = at + (y0 * w + x1) * c;
      const p10 = at + (y1 * w + x0) * c;
      const p11 = at + (y1 * w + x1) * c;
      for (let k = 0; k < c; k++) {
        const top = src[p00 + k] + (src[p01 + k] - src[p00 + k]) * fx;
        const bottom = src[p10 + k] + (src[p11 + k] - src[p10 + k]) * fx;
        out[o + k] = clip(top + (bottom - top) * fy + d.delta);
      }
    }
  }
}

/** A batch of scaled NHWC pixels, augmented into a new array (the input is left as it was). */
export function augmentPixels(
  pixels: InputArray,
  a: Augmentation,
  prep: Preprocessing,
  random: () => number,
): InputArray {
  const [n, h, w, c] = pixels.shape;
  const { lo, range } = valueRange(prep);
  const clipped = a.brightness > 0;
  const g: Geometry = {
    h,
    w,
    c,
    fill: prep.scale === 'symmetric' ? -1 : 0,
    lo: clipped ? lo : -Infinity,
    hi: clipped ? lo + range : Infinity,
  };
  const src = pixels.data as Float32Array;
  const out = new Float32Array(src.length);
  draws(n, a, range, random).forEach((d, i) => resample(src, out, i * h * w * c, g, d));
  return { ...pixels, data: out };
}
