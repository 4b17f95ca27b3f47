// Augmented fine-tuning keeps a fixed number K of augmented passes over the training images. Epochs 1 to K
// augment and run the frozen bottom as Keras does every epoch; from epoch K + 1 on, an epoch trains on the
// bottom's activations of one kept pass, reshuffled: the pixels seen are those of pass ((epoch - 1) mod K) + 1.
// Later epochs then cost only the top's step. 3 by default: on Fashion-MNIST (1,000 training images, a fixed
// test set of 1,000, second phase of 9 epochs from block_15_expand, 5 seeds; src/bench/augmentedQuality.ts)
// keeping 3 passes scored 79.2 ± 0.5 % on test against 79.3 ± 0.2 % augmenting every epoch (paired per seed
// −0.1 ± 0.4) and +2.0 ± 1.3 points on validation: the same within noise. The README has the speed.

/** Augmented passes computed and kept by default (0 would augment anew every epoch, as Keras' layers). */
export const AUGMENTED_VARIANTS = 3;

/** Environment override of AUGMENTED_VARIANTS: K > 0 keeps the passes of epochs 1..K for later epochs. */
export const AUGMENTED_VARIANTS_ENV = 'TRANSFER_STUDIO_AUGMENTED_VARIANTS';

/** The most passes an override may keep. */
export const MAX_AUGMENTED_VARIANTS = 100;

/**
 * The kept pass (1..variants) epoch `epoch` trains on, or undefined when the epoch augments and runs the bottom
 * itself: every epoch when `variants` is 0, else epochs 1..variants.
 */
export function reusedPass(epoch: number, variants: number): number | undefined {
  if (variants <= 0 || epoch <= variants) return undefined;
  return ((epoch - 1) % variants) + 1;
}

/** Epochs among 1..epochs that run the frozen bottom (the rest train on kept activations). */
export function bottomEpochs(epochs: number, variants: number): number {
  return variants <= 0 ? epochs : Math.min(epochs, variants);
}

/** The number of passes to keep: the override when set (an integer 0..MAX), else AUGMENTED_VARIANTS. */
export function parseAugmentedVariants(value: string | undefined): number {
  if (value === undefined || value === '') return AUGMENTED_VARIANTS;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > MAX_AUGMENTED_VARIANTS)
    throw new Error(`${AUGMENTED_VARIANTS_ENV}=${value}: expected an integer from 0 to ${MAX_AUGMENTED_VARIANTS}.`);
  return n;
}
