// A text model's layers as the panel's Layers tab and the CLI's `layers` command list them: what turns words
// into a vector, how the vector is pooled, and the head. Only the fine-tuned model has a part whose freezing
// means something (its Embedding: kept as GloVe, or fine-tuned at a tenth of the rate after the head).
// Pure: the trainer finds the facts in a run's model (src/trainer/text/textLayerFacts.ts), the webview draws.

/** What a text run's kept model is made of, in numbers (text-run.json keeps it as `layers`). */
export interface TextLayerFacts {
  /** fused, glove, lexical, tuned, glove-mean or encoder (the engine's TextModelKind). */
  kind: string;
  classes: number;
  /** GloVe's share in a fused model's probabilities (0: lexical alone, 1: GloVe alone). */
  gloveWeight: number;
  /** The built-in word vectors: how many words and how wide. */
  vectors: { words: number; dims: number };
  /** Columns the GloVe head weighs (2 × dims: SIF mean and max), when the model has that part. */
  gloveColumns?: number;
  /** Hashed TF-IDF columns the lexical head kept (the others have no weight), when it has that part. */
  lexicalColumns?: number;
  /** Words of the fine-tuned Embedding (the training split's, besides padding and unknown). */
  tunedWords?: number;
  /** Whether the fine-tuned Embedding was kept as GloVe when this model trained. */
  embeddingFrozen?: boolean;
  /** The user's ONNX sentence encoder: its folder, vector width and pooling. */
  encoder?: { folder: string; dims: number; pooling: string };
}

/** One layer of a text model. */
export interface TextLayer {
  name: string;
  /** What it does, in words, with its shape. */
  detail: string;
  parameters: number;
  /** Whether the training changes it. */
  trainable: boolean;
  /** The layer with a freeze toggle (the fine-tuned model's Embedding). */
  freezable: boolean;
}

const head = (classes: number, columns: number, detail: string): TextLayer => ({
  name: 'Head',
  detail: `${detail}: ${columns} → ${classes} classes`,
  parameters: classes * columns + classes,
  trainable: true,
  freezable: false,
});

const layer = (name: string, detail: string, parameters = 0, trainable = false): TextLayer => ({
  name,
  detail,
  parameters,
  trainable,
  freezable: false,
});

function gloveLayers(f: TextLayerFacts, meanOnly: boolean): TextLayer[] {
  const { words, dims } = f.vectors;
  return [
    layer('Tokenizer', 'words, identifiers split into their parts (parseHttpHeader → parse http header)'),
    layer('Embedding', `GloVe-100, built in: ${words} words × ${dims}, kept as it is`, words * dims),
    meanOnly
      ? layer('Pooling', `mean of the word vectors → ${dims}`)
      : layer('Pooling', `SIF-weighted mean (common direction removed) and max → ${2 * dims}`),
    head(f.classes, f.gloveColumns ?? (meanOnly ? dims : 2 * dims), 'logistic regression'),
  ];
}

function lexicalLayers(f: TextLayerFacts): TextLayer[] {
  return [
    layer('Tokenizer', `word 1–2-grams and character 2–5-grams within words, hashed`),
    layer('TF-IDF', 'sublinear counts × IDF fitted on the training split, each block unit length'),
    head(f.classes, f.lexicalColumns ?? 0, 'sparse logistic regression on the weighted columns'),
  ];
}

function tunedLayers(f: TextLayerFacts, freezeEmbedding: boolean): TextLayer[] {
  const { dims } = f.vectors;
  const rows = (f.tunedWords ?? 0) + 2;
  return [
    layer('Tokenizer', `words of the training split (${f.tunedWords ?? 0}), padding and unknown`),
    {
      name: 'Embedding',
      detail: freezeEmbedding
        ? `${rows} × ${dims} from GloVe-100, kept as GloVe`
        : `${rows} × ${dims} from GloVe-100, fine-tuned after the head at a tenth of the rate`,
      parameters: rows * dims,
      trainable: !freezeEmbedding,
      freezable: true,
    },
    layer('Pooling', `masked mean over the text's words → ${dims}`),
    head(f.classes, dims, 'softmax'),
  ];
}

function encoderLayers(f: TextLayerFacts): TextLayer[] {
  const e = f.encoder!;
  return [
    layer('Tokenizer', `tokenizer.json of ${e.folder}`),
    layer('Encoder', `model.onnx, run frozen in ONNX Runtime → ${e.dims} per token`),
    layer('Pooling', `${e.pooling} → ${e.dims}`),
    head(f.classes, e.dims, 'logistic regression'),
  ];
}

/**
 * The layers of a text model. `freezeEmbedding` is the choice for the next training (it changes only the
 * fine-tuned model); a fused model lists both parts, each layer named with its part.
 */
export function textLayers(f: TextLayerFacts, freezeEmbedding: boolean): TextLayer[] {
  if (f.kind === 'tuned') return tunedLayers(f, freezeEmbedding);
  if (f.kind === 'encoder' && f.encoder) return encoderLayers(f);
  if (f.kind === 'lexical') return lexicalLayers(f);
  if (f.kind === 'glove' || f.kind === 'glove-mean') return gloveLayers(f, f.kind === 'glove-mean');
  const parts: [string, TextLayer[]][] = [];
  if (f.gloveWeight > 0) parts.push(['GloVe', gloveLayers(f, false)]);
  if (f.gloveWeight < 1) parts.push(['lexical', lexicalLayers(f)]);
  const weight = `GloVe ${f.gloveWeight.toFixed(2)}, lexical ${(1 - f.gloveWeight).toFixed(2)}`;
  return [
    ...parts.flatMap(([part, layers]) => layers.map((l) => ({ ...l, name: `${part} · ${l.name}` }))),
    layer('Fusion', `probabilities averaged: ${weight} (chosen by cross-validation)`),
  ];
}
