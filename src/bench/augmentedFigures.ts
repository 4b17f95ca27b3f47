// `npm run bench -- --native`, augmented fine-tuning: the second phase from block_15_expand with the default
// augmentation, so the pixels differ from epoch to epoch and the frozen part runs on images (no activation
// cache). Ours as the product runs it (the first 3 augmented passes kept and replayed by later epochs,
// src/shared/augmentedVariants.ts) and ours augmenting anew every epoch as Keras does, each against the Keras
// script with the same augmentation layers in front of its base.
import { neverCancelled } from '../shared/engineError';
import { resolveFreezePlan } from '../shared/freezePlan';
import { DEFAULT_AUGMENTATION, DEFAULT_BASE } from '../shared/recipeDefaults';
import { SkipList } from '../trainer/data/batchStream';
import { loadBase } from '../trainer/models/baseModel';
import { disposeModels } from '../trainer/models/disposeModels';
import { splitBelowTrainable } from '../trainer/models/frozenSplit';
import { buildTransferModel } from '../trainer/models/transferModel';
import { AUGMENTED_VARIANTS, AUGMENTED_VARIANTS_ENV } from '../shared/augmentedVariants';
import { imageSource } from '../trainer/train/batchSources';
import { throughFrozen } from '../trainer/train/frozenParts';
import { faster, timed, type Figure } from './measure';
import type { PeerData } from './peerFigures';
import { BATCH, FINE_TUNE_RATE, FREEZE_UP_TO, PREP, samplesOf, UNFREEZE_FROM } from './peerJobs';
import { kerasJob } from './peerRunners';

/** Our augmented second phase, decoding and augmentation included; `variants` overrides the kept passes. */
async function ourAugmentedFineTune(d: PeerData, variants?: number) {
  const samples = samplesOf(d.three);
  const classes = new Set(samples.map((s) => s.label)).size;
  const base = await loadBase(DEFAULT_BASE, d.cacheDir);
  const plan = resolveFreezePlan(base.description.layers, { freezeUpTo: FREEZE_UP_TO }, 'out_relu');
  const tm = buildTransferModel(base.model, plan, { pooling: 'avg' }, classes, 1);
  const before = process.env[AUGMENTED_VARIANTS_ENV];
  if (variants !== undefined) process.env[AUGMENTED_VARIANTS_ENV] = String(variants);
  try {
    const part = splitBelowTrainable(tm.full);
    if (!part) throw new Error(`No single tensor separates the layers below ${UNFREEZE_FROM} from the rest.`);
    const skips = new SkipList();
    const images = {
      train: imageSource(samples, PREP, classes, BATCH, 1, skips, DEFAULT_AUGMENTATION),
      validation: imageSource([], PREP, classes, BATCH, 1, skips),
    };
    let detail = '';
    const emit = (e: { kind: string; message?: string }) => {
      if (e.kind === 'log' && e.message?.startsWith('Images pass the layers'))
        detail = e.message.split(': ').slice(1).join(': ');
    };
    const options = {
      which: 'transfer' as const,
      phase: 2 as const,
      epochs: d.epochs,
      learningRate: FINE_TUNE_RATE,
      patience: 0,
      signal: neverCancelled,
      emit,
      afterEpoch: async () => '',
    };
    const t = await timed(() => throughFrozen(part, options, images));
    return { seconds: t.seconds, detail };
  } finally {
    if (before === undefined) delete process.env[AUGMENTED_VARIANTS_ENV];
    else process.env[AUGMENTED_VARIANTS_ENV] = before;
    disposeModels([tm.head, tm.features, tm.full, base.model]);
  }
}

const KERAS_NOTE = 'Keras: images pre-decoded, augmentation layers';

/** Ours (the default: 3 augmented passes kept) and ours augmenting every epoch as Keras, each against Keras. */
export async function augmentedRows(d: PeerData, log: (s: string) => void): Promise<Figure[]> {
  const n = samplesOf(d.three).length;
  const name = (what: string) =>
    `augmented fine-tuning from ${UNFREEZE_FROM}, ${n} images, ${d.epochs} epochs, batch ${BATCH}, ${what}`;
  log(`  ours: augmented fine-tuning ${d.epochs} epochs, ${AUGMENTED_VARIANTS} augmented passes kept`);
  const ours = await ourAugmentedFineTune(d);
  log('  ours: the same, augmenting anew every epoch');
  const everyEpoch = await ourAugmentedFineTune(d, 0);
  const a = DEFAULT_AUGMENTATION;
  log('  keras: augmented fine-tuning');
  const k = await kerasJob(
    [
      'finetune',
      ...['--data', d.three, '--model', d.model, '--epochs', String(d.epochs), '--batch', String(BATCH)],
      ...['--unfreeze', UNFREEZE_FROM, '--augment', `${a.flip ? 1 : 0},${a.rotation},${a.crop},${a.brightness}`],
    ],
    d.cacheDir,
  );
  const versus = (what: string, r: { seconds: number; detail: string }, goal?: number): Figure =>
    k.ok
      ? faster(name(what), r.seconds, k.value.seconds, goal, `ours: ${r.detail}; decoding included; ${KERAS_NOTE}`)
      : { name: name(what), ours: r.seconds, baseline: NaN, unit: 's', ratio: NaN, note: k.reason };
  return [
    versus('vs Keras script, same augmentation', ours, 1.5),
    versus(`${AUGMENTED_VARIANTS_ENV}=0 (every epoch anew) vs Keras script`, everyEpoch),
  ];
}
