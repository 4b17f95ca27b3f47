// The frozen part runs on ONNX Runtime by default only because it pays: this row measures the same extraction
// on our WASM executor (one WASM instance per core) in the same run, between two ONNX Runtime runs, so a
// change of machine load during the row shows as a gap between those two.
import type { PeerData } from './peerFigures';
import { ourExtraction, type JobResult } from './peerJobs';
import { faster, type Figure } from './measure';

/** ONNX Runtime extraction (`first`, our default path, and one more after WASM) against WASM's. */
export async function runtimeComparison(
  name: string,
  d: PeerData,
  first: JobResult,
  log: (s: string) => void,
): Promise<Figure> {
  if (!first.runtime?.includes('onnxruntime'))
    return { name, ours: NaN, baseline: NaN, unit: 's', ratio: NaN, note: `not compared: ${first.runtime}` };
  log('  ours on WASM: extraction');
  const wasm = await ourExtraction(d.digits, d.cacheDir, 'tfjs');
  log('  ours on ONNX Runtime again: extraction');
  const again = await ourExtraction(d.digits, d.cacheDir, 'onnxruntime');
  const mean = (first.seconds + again.seconds) / 2;
  return faster(
    name,
    mean,
    wasm.seconds,
    1.0,
    `ours = mean of ${first.seconds.toFixed(1)} s before and ${again.seconds.toFixed(1)} s after WASM; ${first.runtime}; baseline: ${wasm.runtime}`,
  );
}
