// Matrix products for the wasm backend: C = A·B (+ bias, then an activation), float32, row-major.
//
// B is first packed into panels of 8 columns (zero-padded), so the inner loop reads it sequentially; the
// microkernel then keeps a 4×8 block of C in eight SIMD registers while it walks K. Four rows is what V8's
// register allocator holds without spilling (5 and 6 rows ran slower here), and at that size this runs
// about 1.3× the backend's XNNPACK product on a trained MobileNetV2 top's shapes (19 against 14–15
// GMAC/s on one core, and 25 with relaxed SIMD's fused multiply-add).

/** 0: none, 1: ReLU, 2: ReLU6 (the activations of tfjs' fused kernels that a trained conv net uses). */
const RELU: i32 = 1;
const RELU6: i32 = 2;

/** Floats in `packPanels`' output for a K×N matrix. */
export function packedSize(k: i32, n: i32): i32 {
  return ((n + 7) >> 3) * 8 * k;
}

/**
 * Packs B into panels of 8 columns: packed[panel][row k][column 0..7], zeros past column n. B is K×N, or
 * N×K when `transposed` (then B's rows are the product's columns). Full panels move 8 floats a row at once
 * (two vectors, or eight running pointers when transposed); only a last partial panel goes value by value.
 */
export function packPanels(b: usize, packed: usize, k: i32, n: i32, transposed: bool): void {
  const full = n >> 3;
  let dst = packed;
  for (let p = 0; p < full; p++) {
    if (transposed) dst = packTransposedPanel(b + ((<usize>(p * 8 * k)) << 2), dst, k);
    else dst = packPanel(b + ((<usize>(p * 8)) << 2), dst, k, (<usize>n) << 2);
  }
  if (full * 8 == n) return;
  for (let row = 0; row < k; row++) {
    for (let j = 0; j < 8; j++) {
      const col = full * 8 + j;
      let v: f32 = 0;
      if (col < n) v = load<f32>(b + ((<usize>(transposed ? col * k + row : row * n + col)) << 2));
      store<f32>(dst, v);
      dst += 4;
    }
  }
}

/** Rows of 8 floats `stride` bytes apart, copied one after another; returns the end of the copy. */
function packPanel(src: usize, dst: usize, k: i32, stride: usize): usize {
  for (let row = 0; row < k; row++) {
    v128.store(dst, v128.load(src));
    v128.store(dst, v128.load(src, 16), 16);
    src += stride;
    dst += 32;
  }
  return dst;
}

/** Eight rows of k floats (B's rows, the panel's columns), interleaved; returns the end of the copy. */
function packTransposedPanel(src: usize, dst: usize, k: i32): usize {
  const row = (<usize>k) << 2;
  const end = src + row;
  for (let at = src; at < end; at += 4) {
    store<f32>(dst, load<f32>(at));
    store<f32>(dst, load<f32>(at + row), 4);
    store<f32>(dst, load<f32>(at + 2 * row), 8);
    store<f32>(dst, load<f32>(at + 3 * row), 12);
    store<f32>(dst, load<f32>(at + 4 * row), 16);
    store<f32>(dst, load<f32>(at + 5 * row), 20);
    store<f32>(dst, load<f32>(at + 6 * row), 24);
    store<f32>(dst, load<f32>(at + 7 * row), 28);
    dst += 32;
  }
  return dst;
}

/** out (cols × rows) = aᵀ for a rows × cols matrix. */
export function transpose(a: usize, out: usize, rows: i32, cols: i32): void {
  for (let r = 0; r < rows; r++) {
    const src = a + ((<usize>(r * cols)) << 2);
    for (let c = 0; c < cols; c++) store<f32>(out + ((<usize>(c * rows + r)) << 2), load<f32>(src + ((<usize>c) << 2)));
  }
}

function madd(a: v128, b: v128, acc: v128): v128 {
  // The flag is a compile-time constant: the module is built once with relaxed SIMD and once without.
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, acc);
  return f32x4.add(acc, f32x4.mul(a, b));
}

function finish(v: v128, bias: usize, col: i32, activation: i32): v128 {
  let r = v;
  if (bias != 0) r = f32x4.add(r, v128.load(bias + ((<usize>col) << 2)));
  if (activation == RELU || activation == RELU6) r = f32x4.max(r, f32x4.splat(0));
  if (activation == RELU6) r = f32x4.min(r, f32x4.splat(6));
  return r;
}

/** Stores 8 values of one row of C at column `col`, only the first n − col of them in a partial panel. */
function storeRow(c: usize, lo: v128, hi: v128, bias: usize, col: i32, n: i32, activation: i32): void {
  const at = c + ((<usize>col) << 2);
  if (col + 8 <= n) {
    v128.store(at, finish(lo, bias, col, activation));
    v128.store(at, finish(hi, bias, col + 4, activation), 16);
    return;
  }
  for (let j = 0; j < n - col; j++) {
    let v = j < 4 ? extractLane(lo, j) : extractLane(hi, j - 4);
    if (bias != 0) v += load<f32>(bias + ((<usize>(col + j)) << 2));
    if (activation == RELU || activation == RELU6) v = max<f32>(v, 0);
    if (activation == RELU6) v = min<f32>(v, 6);
    store<f32>(at + ((<usize>j) << 2), v);
  }
}

function extractLane(v: v128, lane: i32): f32 {
  if (lane == 0) return f32x4.extract_lane(v, 0);
  if (lane == 1) return f32x4.extract_lane(v, 1);
  if (lane == 2) return f32x4.extract_lane(v, 2);
  return f32x4.extract_lane(v, 3);
}

/**
 * C (M×N) = A (M×K) · B, B packed by `packPanels`; then + bias (N floats, or 0 for none) and the activation.
 */
export function gemm(a: usize, packed: usize, bias: usize, c: usize, m: i32, k: i32, n: i32, activation: i32): void {
  const panels = (n + 7) >> 3;
  const lda = (<usize>k) << 2;
  const ldc = (<usize>n) << 2;
  const kBytes = (<usize>k) << 2;
  // Panel by panel: one panel (k·32 bytes) stays in the first-level cache while every row of A streams past
  // it, which moves half the bytes of streaming all of B past each 4 rows (B is up to 1.6 MB here).
  for (let p = 0; p < panels; p++) {
    const panel = packed + ((<usize>(p * k)) << 5);
    const col = p * 8;
    let r = 0;
    for (; r + 4 <= m; r += 4) {
      const a0 = a + <usize>r * lda;
      const a1 = a0 + lda;
      const a2 = a1 + lda;
      const a3 = a2 + lda;
      let c00 = f32x4.splat(0);
      let c01 = f32x4.splat(0);
      let c10 = f32x4.splat(0);
      let c11 = f32x4.splat(0);
      let c20 = f32x4.splat(0);
      let c21 = f32x4.splat(0);
      let c30 = f32x4.splat(0);
      let c31 = f32x4.splat(0);
      let bp = panel;
      for (let kk: usize = 0; kk < kBytes; kk += 4) {
        const b0 = v128.load(bp);
        const b1 = v128.load(bp, 16);
        bp += 32;
        let s = v128.load32_splat(a0 + kk);
        c00 = madd(s, b0, c00);
        c01 = madd(s, b1, c01);
        s = v128.load32_splat(a1 + kk);
        c10 = madd(s, b0, c10);
        c11 = madd(s, b1, c11);
        s = v128.load32_splat(a2 + kk);
        c20 = madd(s, b0, c20);
        c21 = madd(s, b1, c21);
        s = v128.load32_splat(a3 + kk);
        c30 = madd(s, b0, c30);
        c31 = madd(s, b1, c31);
      }
      const c0 = c + <usize>r * ldc;
      storeRow(c0, c00, c01, bias, col, n, activation);
      storeRow(c0 + ldc, c10, c11, bias, col, n, activation);
      storeRow(c0 + 2 * ldc, c20, c21, bias, col, n, activation);
      storeRow(c0 + 3 * ldc, c30, c31, bias, col, n, activation);
    }
    // The last rows (M not a multiple of 4), one at a time.
    for (; r < m; r++) {
      const a0 = a + <usize>r * lda;
      let lo = f32x4.splat(0);
      let hi = f32x4.splat(0);
      let bp = panel;
      for (let kk: usize = 0; kk < kBytes; kk += 4) {
        const s = v128.load32_splat(a0 + kk);
        lo = madd(s, v128.load(bp), lo);
        hi = madd(s, v128.load(bp, 16), hi);
        bp += 32;
      }
      storeRow(c + <usize>r * ldc, lo, hi, bias, col, n, activation);
    }
  }
}
