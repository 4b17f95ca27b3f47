// Training the top of a split model: on cached activations when they fit in memory, else on images
// streamed through the frozen bottom. Shared by the explicit second phase and the automatic flow.
import { AUGMENTED_VARIANTS_ENV, parseAugmentedVariants } from '../../shared/augmentedVariants';
import { plural } from '../../shared/plural';
import type { FrozenSplit } from '../models/frozenSplit';
import { startFrozenRunner } from '../runtime/frozenRuntime';
import { frozenRunnerSource } from './frozenRunnerSource';
import type { BatchSource, FitOptions, FitResult } from './fitLoop';
import { keptOnce, keptTrainingPasses } from './keptPasses';
import { fitDataParallel } from './parallelFit';

/** Cached activations are held in memory while the top trains; above this, images are streamed through the bottom. */
export const MAX_CACHED_ACTIVATION_BYTES = 1.5 * 2 ** 30;

/**
 * Whether `images` examples' cached float32 values of this shape (per example) fit in memory: a size not known
 * before allocating (a dimension left open) does not.
 */
export function valuesFitInMemory(shape: readonly (number | null)[], images: number): boolean {
  const floats = shape.reduce<number>((a, b) => a * (b ?? 0), 1);
  return floats > 0 && floats * 4 * images <= MAX_CACHED_ACTIVATION_BYTES;
}

/** A split below the trainable layers whose cached activations fit in memory (else: train on images). */
export function fitsInMemory(part: FrozenSplit, images: number): boolean {
  return valuesFitInMemory(part.top.inputs[0].shape.slice(1), images);
}

/**
 * The split whose activations a run caches: none when augmentation changes the pixels every epoch or the
 * activations of every image would not fit in memory (then images stream through the frozen bottom).
 */
export function cachedSplit(
  part: FrozenSplit | undefined,
  recipe: { augmentation?: unknown },
  images: number,
): FrozenSplit | undefined {
  return part && !recipe.augmentation && fitsInMemory(part, images) ? part : undefined;
}

/**
 * Augmented passes kept in memory: the override or default (augmentedVariants.ts), fewer when their
 * activations and the validation's would not fit.
 */
export function keptVariants(shape: readonly number[], trainSize: number, validationSize: number): number {
  let k = parseAugmentedVariants(process.env[AUGMENTED_VARIANTS_ENV]);
  while (k > 0 && !valuesFitInMemory(shape, k * trainSize + validationSize)) k--;
  return k;
}

/**
 * Trains the top of a split on images streamed through its frozen bottom (in inference mode, BatchNorm
 * folded). Training the full model instead would keep every activation of the frozen layers for a backward
 * pass that updates nothing: at 224×224 that exhausts the WASM heap at batch 16. The bottom runs where the
 * feature cache runs it (ONNX Runtime when it loads). Its run blocks the calling thread (onnxruntime-node
 * runs a session synchronously), so the bottom and the top's step never overlap: each gets both cores in
 * turn, the step through the training worker as on cached activations (parallelFit.ts). The validation's
 * output is kept and replayed; so is that of the first augmented passes (3 unless
 * TRANSFER_STUDIO_AUGMENTED_VARIANTS says otherwise, keptPasses.ts).
 * A validation source may be given ready-made (cached activations), else it streams the same way.
 */
export async function throughFrozen(
  part: FrozenSplit,
  options: Omit<FitOptions, 'model' | 'train' | 'validation'>,
  images: { train: BatchSource; validation: BatchSource },
  cachedValidation?: BatchSource,
): Promise<FitResult> {
  const shape = part.bottom.outputs[0].shape.slice(1) as number[];
  const variants = keptVariants(shape, images.train.size, cachedValidation ? 0 : images.validation.size);
  const bottom = await startFrozenRunner(part.bottom);
  // Keras' augmentation layers draw new pixels every epoch: say that this run does not, and how to ask for it.
  const reuse =
    variants > 0
      ? `; later epochs replay its output of the first ${plural(variants, 'augmented epoch')}, reshuffled ` +
        `(${AUGMENTED_VARIANTS_ENV}=0 augments anew every epoch)`
      : '';
  options.emit({
    kind: 'log',
    level: 'info',
    message: `Images pass the layers up to ${part.boundary}: ${bottom.detail}${reuse}`,
  });
  try {
    const through = (source: BatchSource) => frozenRunnerSource(source, bottom, shape);
    const streamed = through(images.validation);
    const keep = valuesFitInMemory(shape, variants * images.train.size + images.validation.size);
    const validation = cachedValidation ?? (keep ? keptOnce(streamed) : streamed);
    const train = keptTrainingPasses(through(images.train), variants);
    return await fitDataParallel({ ...options, model: part.top, train, validation });
  } finally {
    await bottom.dispose();
  }
}
