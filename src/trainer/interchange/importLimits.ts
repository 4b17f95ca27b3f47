// Bounds on what a model file may make us read or allocate, checked before the allocation (a file, a zip
// directory or an HDF5 header can claim anything). Each error names the limit it hit.

/** Largest model file (.keras zip or .h5) read at all: VGG16 with its classifier is about 550 MB. */
export const MAX_MODEL_FILE_BYTES = 2 * 1024 ** 3;
/** Largest uncompressed size of one .keras zip entry, and of all entries we inflate together. */
export const MAX_ZIP_ENTRY_BYTES = 2 * 1024 ** 3;
export const MAX_ZIP_TOTAL_BYTES = 2 * 1024 ** 3;
/** Largest config.json / model_config text: the biggest keras.applications config is a few MB. */
export const MAX_CONFIG_BYTES = 64 * 1024 ** 2;
/** Largest single weight array (elements) and all weights together (bytes as float32). */
export const MAX_WEIGHT_ELEMENTS = 512 * 1024 ** 2;
export const MAX_TOTAL_WEIGHT_BYTES = 2 * 1024 ** 3;
/** Most layers in one model: the largest keras.applications (EfficientNetB7) has about 800. */
export const MAX_LAYERS = 10_000;

/** "2.0 GiB" for limits in messages. */
export function formatBytes(n: number): string {
  return n >= 1024 ** 3 ? `${(n / 1024 ** 3).toFixed(1)} GiB` : `${(n / 1024 ** 2).toFixed(0)} MiB`;
}
