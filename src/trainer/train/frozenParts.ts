// Training the top of a split model: on cached activations when they fit in memory, else on images
// streamed through the frozen bottom. Shared by the explicit second phase and the automatic flow.
import type { FrozenSplit } from '../models/frozenSplit';
import { startFrozenRunner } from '../runtime/frozenRuntime';
import { frozenRunnerSource } from './frozenRunnerSource';
import { fit, type BatchSource, type FitOptions, type FitResult } from './fitLoop';

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
 * Trains the top of a split on images streamed through its frozen bottom (in inference mode, BatchNorm
 * folded). Training the full model instead would keep every activation of the frozen layers for a backward
 * pass that updates nothing: at 224×224 that exhausts the WASM heap at batch 16. The bottom runs where the
 * feature cache runs it (ONNX Runtime when it loads): augmented batches pass through it every epoch, and on
 * WASM that pass was most of an augmented fine-tune's time. A validation source may be given ready-made
 * (cached activations), else it streams the same way.
 */
export async function throughFrozen(
  part: FrozenSplit,
  options: Omit<FitOptions, 'model' | 'train' | 'validation'>,
  images: { train: BatchSource; validation: BatchSource },
  cachedValidation?: BatchSource,
): Promise<FitResult> {
  const bottom = await startFrozenRunner(part.bottom);
  options.emit({
    kind: 'log',
    level: 'info',
    message: `Images pass the layers up to ${part.boundary} every epoch: ${bottom.detail}`,
  });
  try {
    const shape = part.bottom.outputs[0].shape.slice(1) as number[];
    const through = (source: BatchSource) => frozenRunnerSource(source, bottom, shape);
    const validation = cachedValidation ?? through(images.validation);
    return await fit({ ...options, model: part.top, train: through(images.train), validation });
  } finally {
    await bottom.dispose();
  }
}
