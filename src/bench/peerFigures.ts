// `npm run bench -- --native`: the same two jobs done by what a user would run instead of Transfer Studio —
// a plain Keras 3 script (peers/keras_finetune.py, run by TRANSFER_STUDIO_PYTHON) and tfjs-node (native
// TensorFlow, when it loads) — beside ours, each with the share of the machine's peak multiply-add rate.
// A peer that cannot run is a row saying why, never a silent gap.
import { extraThreads } from '../trainer/parallel/featurePool';
import { augmentedRows } from './augmentedFigures';
import { runtimeComparison } from './frozenRuntimeFigures';
import { faster, type Figure } from './measure';
import {
  backendMatmulRate,
  BATCH,
  EXTRACT_BATCH,
  ourExtraction,
  ourFineTune,
  samplesOf,
  UNFREEZE_FROM,
} from './peerJobs';
import { kerasJob, tfjsNodeJob, type KerasJob } from './peerRunners';

/** The share of the peak multiply-add rate a job reached, as a note. */
function share(macs: number, seconds: number, peak: number): string {
  return `${((100 * macs) / seconds / peak).toFixed(1)}% of peak`;
}

function missing(name: string, reason: string): Figure {
  return { name, ours: NaN, baseline: NaN, unit: 's', ratio: NaN, note: `peer missing: ${reason}` };
}

/** The jobs of `--native`: extraction, fine-tuning on cached activations, augmented fine-tuning. */
export const PEER_JOBS = ['extract', 'finetune', 'augmented'] as const;
export type PeerJobName = (typeof PEER_JOBS)[number];

export interface PeerData {
  /** sklearn's 1,797 digits as class folders of 8×8 PNGs. */
  digits: string;
  /** The fine-tuning set: 3 classes of the same digits. */
  three: string;
  epochs: number;
  cacheDir: string;
  model: string;
  /** Which jobs to run (all by default; `--peer-jobs finetune` on a busy machine). */
  jobs: PeerJobName[];
}

/** All peer rows: the peak first (how it was measured), then extraction and fine-tuning against each peer. */
export async function peerFigures(d: PeerData, log: (s: string) => void): Promise<Figure[]> {
  const wasmPeak = await backendMatmulRate();
  const kerasPeak = await kerasJob(['peak'], d.cacheDir);
  const tfPeak = kerasPeak.ok && kerasPeak.value.macs ? kerasPeak.value.macs / kerasPeak.value.seconds : undefined;
  const peak = Math.max(wasmPeak, tfPeak ?? 0);
  const g = (x: number) => x / 1e9;
  const figures: Figure[] = [
    {
      name: 'peak multiply-add rate: 1024² matMul on our WASM (1 thread) vs 2048² TF matmul (all cores)',
      ours: g(wasmPeak),
      baseline: tfPeak ? g(tfPeak) : NaN,
      unit: 'GMAC/s',
      ratio: tfPeak ? wasmPeak / tfPeak : NaN,
      note: `peak = the larger, ${g(peak).toFixed(1)} GMAC/s${tfPeak ? '' : `; TF peak missing: ${kerasPeak.ok ? 'no figure' : kerasPeak.reason}`}`,
    },
  ];
  const images = samplesOf(d.digits).length;
  const threads = extraThreads() + 1;
  if (d.jobs.includes('extract')) figures.push(...(await extractionRows(d, images, peak, threads, log)));
  if (d.jobs.includes('finetune')) figures.push(...(await fineTuneRows(d, peak, log)));
  if (d.jobs.includes('augmented')) figures.push(...(await augmentedRows(d, log)));
  return figures;
}

async function extractionRows(
  d: PeerData,
  images: number,
  peak: number,
  threads: number,
  log: (s: string) => void,
): Promise<Figure[]> {
  const figures: Figure[] = [];
  log(`  ours: extraction of ${images} images`);
  const ex = await ourExtraction(d.digits, d.cacheDir);
  const exName = (peer: string) => `extraction, ${images} sklearn digit PNGs at 224×224, cold cache, vs ${peer}`;
  figures.push(await runtimeComparison(exName('our WASM frozen part'), d, ex, log));
  log('  keras: extraction');
  const kx = await kerasJob(
    ['extract', '--data', d.digits, '--model', d.model, '--batch', String(EXTRACT_BATCH)],
    d.cacheDir,
  );
  figures.push(
    kx.ok
      ? faster(
          exName('Keras script'),
          ex.seconds,
          kx.value.seconds,
          1.5,
          `ours: ${ex.runtime}, ${threads} core(s), ${share(ex.macs, ex.seconds, peak)}; Keras ${share(ex.macs, kx.value.seconds, peak)}, decoding ${(kx.value as KerasJob & { decodeSeconds?: number }).decodeSeconds?.toFixed(1)} s of it`,
        )
      : missing(exName('Keras script'), kx.reason),
  );
  log('  tfjs-node: extraction');
  const nx = await tfjsNodeJob('extract', d.digits, d.epochs, d.cacheDir);
  figures.push(
    nx.ok
      ? faster(
          exName('tfjs-node'),
          ex.seconds,
          nx.value.seconds,
          1.5,
          `tfjs-node ${share(ex.macs, nx.value.seconds, peak)} on backend ${nx.value.backend}`,
        )
      : missing(exName('tfjs-node'), nx.reason),
  );
  return figures;
}

async function fineTuneRows(d: PeerData, peak: number, log: (s: string) => void): Promise<Figure[]> {
  const figures: Figure[] = [];
  log(`  ours: fine-tuning ${d.epochs} epochs`);
  const ft = await ourFineTune(d.three, d.epochs, d.cacheDir);
  const ftName = (peer: string) =>
    `fine-tuning from ${UNFREEZE_FROM}, ${samplesOf(d.three).length} images, ${d.epochs} epochs, batch ${BATCH}, vs ${peer}`;
  log('  keras: fine-tuning');
  const kf = await kerasJob(
    [
      'finetune',
      '--data',
      d.three,
      '--model',
      d.model,
      '--epochs',
      String(d.epochs),
      '--batch',
      String(BATCH),
      '--unfreeze',
      UNFREEZE_FROM,
    ],
    d.cacheDir,
  );
  // Keras runs the frozen base forward on every step: its own minimum work is larger than ours.
  figures.push(
    kf.ok
      ? faster(
          ftName('Keras script'),
          ft.seconds,
          kf.value.seconds,
          1.0,
          `ours ${share(ft.macs, ft.seconds, peak)} (activation cache, decoding included; ${ft.runtime}); Keras ${share(ft.macs, kf.value.seconds, peak)} of the same job MACs (images pre-decoded)`,
        )
      : missing(ftName('Keras script'), kf.reason),
  );
  log('  tfjs-node: fine-tuning');
  const nf = await tfjsNodeJob('finetune', d.three, d.epochs, d.cacheDir);
  figures.push(
    nf.ok
      ? faster(
          ftName('tfjs-node'),
          ft.seconds,
          nf.value.seconds,
          1.0,
          `tfjs-node ${share(ft.macs, nf.value.seconds, peak)} on backend ${nf.value.backend}`,
        )
      : missing(ftName('tfjs-node'), nf.reason),
  );
  return figures;
}
