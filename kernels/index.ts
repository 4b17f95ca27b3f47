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
