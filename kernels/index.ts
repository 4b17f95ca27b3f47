// Training kernels written for the WASM backend's hot spots, in AssemblyScript compiled with SIMD.
//
// The module imports the backend's own linear memory (src/trainer/backend/trainingKernels.ts), so every
// argument is a byte offset of a tensor already on that heap: nothing is copied in or out. It keeps no
// state and no data of its own (no static data, no allocator), so it cannot write anywhere it was not told
// to. Shapes are checked by the caller; a kernel trusts them.
//
// Tensors are float32, channels last: a tensor of `rows × channels` is every position of every image, one
// row of channels each.

/** dy where lo ≤ x ≤ hi, else 0: the gradient of ReLU6 (clip to [0, 6]) in one pass. */
export function clipGrad(x: usize, dy: usize, out: usize, size: i32, lo: f32, hi: f32): void {
  const vlo = f32x4.splat(lo);
  const vhi = f32x4.splat(hi);
  const vectors = size & ~3;
  let i = 0;
  for (; i < vectors; i += 4) {
    const o = (<usize>i) << 2;
    const xs = v128.load(x + o);
    const inside = v128.and(f32x4.ge(xs, vlo), f32x4.le(xs, vhi));
    v128.store(out + o, v128.and(v128.load(dy + o), inside));
  }
  for (; i < size; i++) {
    const o = (<usize>i) << 2;
    const xs = load<f32>(x + o);
    store<f32>(out + o, xs >= lo && xs <= hi ? load<f32>(dy + o) : 0);
  }
}

/**
 * Per channel: Σ dy, or Σ dy·(x − mean) when `x` is not 0, over every row. The two sums BatchNorm's offset
 * and scale gradients need; `out` holds `channels` floats.
 */
export function channelSums(x: usize, mean: usize, dy: usize, out: usize, rows: i32, channels: i32): void {
  memory.fill(out, 0, (<usize>channels) << 2);
  const vectors = channels & ~3;
  const stride = (<usize>channels) << 2;
  for (let r = 0; r < rows; r++) {
    const d = dy + <usize>r * stride;
    const xr = x + <usize>r * stride;
    let c = 0;
    for (; c < vectors; c += 4) {
      const o = (<usize>c) << 2;
      let term = v128.load(d + o);
      if (x != 0) term = f32x4.mul(term, f32x4.sub(v128.load(xr + o), v128.load(mean + o)));
      v128.store(out + o, f32x4.add(v128.load(out + o), term));
    }
    for (; c < channels; c++) {
      const o = (<usize>c) << 2;
      let term = load<f32>(d + o);
      if (x != 0) term *= load<f32>(xr + o) - load<f32>(mean + o);
      store<f32>(out + o, load<f32>(out + o) + term);
    }
  }
}

/**
 * BatchNorm with fixed statistics: y = (x − mean)·factor + offset per channel, where the caller has folded
 * scale / √(variance + ε) into `factor`.
 */
export function batchNormInference(
  x: usize,
  mean: usize,
  factor: usize,
  offset: usize,
  out: usize,
  rows: i32,
  channels: i32,
): void {
  const vectors = channels & ~3;
  const stride = (<usize>channels) << 2;
  for (let r = 0; r < rows; r++) {
    const xr = x + <usize>r * stride;
    const yr = out + <usize>r * stride;
    let c = 0;
    for (; c < vectors; c += 4) {
      const o = (<usize>c) << 2;
      const centred = f32x4.sub(v128.load(xr + o), v128.load(mean + o));
      v128.store(yr + o, f32x4.add(f32x4.mul(centred, v128.load(factor + o)), v128.load(offset + o)));
    }
    for (; c < channels; c++) {
      const o = (<usize>c) << 2;
      store<f32>(yr + o, (load<f32>(xr + o) - load<f32>(mean + o)) * load<f32>(factor + o) + load<f32>(offset + o));
    }
  }
}

/**
 * The depthwise filter gradient for a channel multiplier of 1: for every output position and filter tap
 * inside the input, dW[tap] += x[position under the tap] · dy[output position], channel by channel. `out`
 * holds kh·kw·channels floats.
 */
export function depthwiseFilterGrad(
  x: usize,
  dy: usize,
  out: usize,
  batch: i32,
  inHeight: i32,
  inWidth: i32,
  channels: i32,
  outHeight: i32,
  outWidth: i32,
  kh: i32,
  kw: i32,
  strideH: i32,
  strideW: i32,
  dilationH: i32,
  dilationW: i32,
  padTop: i32,
  padLeft: i32,
): void {
  memory.fill(out, 0, (<usize>(kh * kw * channels)) << 2);
  const vectors = channels & ~3;
  const pixel = (<usize>channels) << 2;
  for (let b = 0; b < batch; b++) {
    for (let oy = 0; oy < outHeight; oy++) {
      for (let ox = 0; ox < outWidth; ox++) {
        const d = dy + <usize>((b * outHeight + oy) * outWidth + ox) * pixel;
        for (let i = 0; i < kh; i++) {
          const iy = oy * strideH + i * dilationH - padTop;
          if (iy < 0 || iy >= inHeight) continue;
          for (let j = 0; j < kw; j++) {
            const ix = ox * strideW + j * dilationW - padLeft;
            if (ix < 0 || ix >= inWidth) continue;
            const xs = x + <usize>((b * inHeight + iy) * inWidth + ix) * pixel;
            const acc = out + <usize>(i * kw + j) * pixel;
            let c = 0;
            for (; c < vectors; c += 4) {
              const o = (<usize>c) << 2;
              const product = f32x4.mul(v128.load(xs + o), v128.load(d + o));
              v128.store(acc + o, f32x4.add(v128.load(acc + o), product));
            }
            for (; c < channels; c++) {
              const o = (<usize>c) << 2;
              store<f32>(acc + o, load<f32>(acc + o) + load<f32>(xs + o) * load<f32>(d + o));
            }
          }
        }
      }
    }
  }
}

export * from './gemm';

/**
 * One Adam step for one variable, as tfjs' AdamOptimizer computes it: the gradient is w1·g1 (+ w2·g2 when
 * g2 is not 0: the size-weighted halves of a data-parallel step), the moments become β·m + keep·g (keep =
 * 1 − β, rounded by the caller as tfjs rounds it), and the value moves by −rate · m̂ / (√v̂ + ε), where m̂ and
 * v̂ are the moments over `correct1` = 1 − β1ᵗ and `correct2` = 1 − β2ᵗ.
 */
export function adamStep(
  value: usize,
  m: usize,
  v: usize,
  g1: usize,
  g2: usize,
  outValue: usize,
  outM: usize,
  outV: usize,
  size: i32,
  w1: f32,
  w2: f32,
  beta1: f32,
  keep1: f32,
  beta2: f32,
  keep2: f32,
  correct1: f32,
  correct2: f32,
  rate: f32,
  epsilon: f32,
): void {
  const vw1 = f32x4.splat(w1);
  const vw2 = f32x4.splat(w2);
  const vb1 = f32x4.splat(beta1);
  const vb2 = f32x4.splat(beta2);
  const va1 = f32x4.splat(keep1);
  const va2 = f32x4.splat(keep2);
  const vc1 = f32x4.splat(correct1);
  const vc2 = f32x4.splat(correct2);
  const step = f32x4.splat(-rate);
  const eps = f32x4.splat(epsilon);
  const vectors = size & ~3;
  let i = 0;
  for (; i < vectors; i += 4) {
    const o = (<usize>i) << 2;
    let g = f32x4.mul(v128.load(g1 + o), vw1);
    if (g2 != 0) g = f32x4.add(g, f32x4.mul(v128.load(g2 + o), vw2));
    const nm = f32x4.add(f32x4.mul(v128.load(m + o), vb1), f32x4.mul(g, va1));
    const nv = f32x4.add(f32x4.mul(v128.load(v + o), vb2), f32x4.mul(f32x4.mul(g, g), va2));
    const move = f32x4.div(f32x4.div(nm, vc1), f32x4.add(f32x4.sqrt(f32x4.div(nv, vc2)), eps));
    v128.store(outValue + o, f32x4.add(f32x4.mul(move, step), v128.load(value + o)));
    v128.store(outM + o, nm);
    v128.store(outV + o, nv);
  }
  for (; i < size; i++) {
    const o = (<usize>i) << 2;
    let g = load<f32>(g1 + o) * w1;
    if (g2 != 0) g += load<f32>(g2 + o) * w2;
    const nm = load<f32>(m + o) * beta1 + g * keep1;
    const nv = load<f32>(v + o) * beta2 + g * g * keep2;
    const move = nm / correct1 / (sqrt<f32>(nv / correct2) + epsilon);
    store<f32>(outValue + o, move * -rate + load<f32>(value + o));
    store<f32>(outM + o, nm);
    store<f32>(outV + o, nv);
  }
}
