// Every bound on a size that comes from outside (a file, a header, a flag, a URL), in one place, so each
// reader checks it BEFORE allocating and each message names the same number. Readers written later
// (zip, HDF5, ONNX) take their bounds from here too.

const MiB = 2 ** 20;

/** Formats a byte count for messages: "64 MiB". */
export function formatBytes(bytes: number): string {
  if (bytes >= 2 ** 30) return `${Math.round((bytes / 2 ** 30) * 10) / 10} GiB`;
  if (bytes >= MiB) return `${Math.round((bytes / MiB) * 10) / 10} MiB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KiB`;
  return `${bytes} bytes`;
}

export const LIMITS = {
  /** Pixels of one source image, read from its header before decoding. */
  maxImagePixels: 50_000_000,
  /** Bytes of one image file read whole into memory (BMP, and any image read as a buffer). */
  maxImageFileBytes: 256 * MiB,
  /** Bytes one decoded image may need (width × height × channels × bytes per sample), whatever its format. */
  maxDecodedImageBytes: 256 * MiB,
  /** Decoded bytes of all image decodes running at once; a decode waits until its share is free. */
  maxDecodeBytesInFlight: 256 * MiB,
  /** Float32 bytes of one batch of model input (batch × height × width × channels × 4). */
  maxBatchInputBytes: 256 * MiB,
  /** Height or width of a model's input; the recipe field table (src/recipe/recipeFields.ts) uses the same. */
  maxInputSide: 4096,
  /** A JSON file the engine reads: run.json, state.json, recipe.json, labels, sidecars. */
  maxJsonFileBytes: 16 * MiB,
  /** model.json (topology and weights manifest, without the weights). */
  maxModelJsonBytes: 64 * MiB,
  /** All weight shards of one model together. */
  maxModelWeightBytes: 1024 * MiB,
  /** One downloaded model.json or metadata.json. */
  maxDownloadJsonBytes: 64 * MiB,
  /** One downloaded weights shard. */
  maxDownloadShardBytes: 512 * MiB,
  /** A Keras model file read at all (.keras zip or .h5): VGG16 with its classifier is about 550 MB. */
  maxKerasFileBytes: 2048 * MiB,
  /** Uncompressed bytes of one .keras zip entry, and of all entries inflated together. */
  maxZipEntryBytes: 2048 * MiB,
  maxZipTotalBytes: 2048 * MiB,
  /** A Keras config.json or model_config text: the biggest keras.applications config is a few MB. */
  maxKerasConfigBytes: 64 * MiB,
  /** Elements of one weight array in a Keras file, and float32 bytes of all its weights together. */
  maxKerasWeightElements: 512 * MiB,
  maxKerasWeightBytes: 2048 * MiB,
  /** Layers of one model: the largest keras.applications model (EfficientNetB7) has about 800. */
  maxModelLayers: 10_000,
  /** One .txt/.md example file; a longer one is a document collection, not an example. */
  maxTextFileBytes: 4 * MiB,
  /** One .csv/.tsv/.jsonl table of examples, read whole. */
  maxTextTableBytes: 512 * MiB,
  /** Rows of one table (and examples of one dataset). */
  maxTextRows: 2_000_000,
  /** Characters kept of one example: the rest is cut (GloVe and TF-IDF see the beginning). */
  maxTextChars: 20_000,
  /**
   * Words of the fine-tuned text model's Embedding (the recipe's text.vocabularySize at most). State of the
   * Union sentences at 200 per class have 5,237 distinct words, SpamAssassin bodies 15,156: the cap keeps
   * every word of both, and bounds the Embedding at 30k × 100 floats.
   */
  maxTextVocabulary: 30_000,
  /** text-model.json of a text run (heads over up to a few hundred thousand hashed columns). */
  maxTextModelBytes: 256 * MiB,
  /** A user's ONNX sentence encoder (model.onnx): protobuf itself stops at 2 GiB. */
  maxEncoderModelBytes: 2048 * MiB,
  /** tokenizer.json of a user's encoder (a 250k-word multilingual vocabulary is about 20 MB). */
  maxTokenizerJsonBytes: 64 * MiB,
  /** Distinct n-grams a lexical model keeps of its training split (a run folder lists them, the export too). */
  maxLexicalGrams: 2_000_000,
  /** float32 bytes of one `embed` matrix (examples × values), checked before it is allocated. */
  maxEmbeddingBytes: 2048 * MiB,
  /** The built-in word vectors file (GloVe-100 int8: about 38 MB). */
  maxWordVectorsBytes: 128 * MiB,
} as const;

export type LimitName = keyof typeof LIMITS;
