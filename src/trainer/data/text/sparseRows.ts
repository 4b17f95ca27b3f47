// Feature rows as index/value pairs: TF-IDF rows have a few hundred non-zeros among half a million columns.

/** One sparse row; indices ascending and distinct. */
export interface SparseRow {
  idx: Int32Array;
  val: Float32Array;
}

/** A dense row as a sparse one (every column present), so one classifier serves both. */
export function denseRow(values: ArrayLike<number>): SparseRow {
  return { idx: Int32Array.from({ length: values.length }, (_, i) => i), val: Float32Array.from(values) };
}

/** Builds a row from column → value pairs, indices sorted. */
export function fromMap(values: Map<number, number>): SparseRow {
  const idx = Int32Array.from([...values.keys()].sort((a, b) => a - b));
  return { idx, val: Float32Array.from(idx, (i) => values.get(i)!) };
}

/** Scales a row in place to unit length (a zero row stays zero). */
export function unitRow(row: SparseRow): SparseRow {
  let norm = 0;
  for (const v of row.val) norm += v * v;
  if (norm > 0) {
    const inv = 1 / Math.sqrt(norm);
    for (let i = 0; i < row.val.length; i++) row.val[i] *= inv;
  }
  return row;
}
