// A text model's layers as the panel's Layers tab and the CLI's `layers` command list them: what turns words
// into a vector, how the vector is pooled, and the head. Only the fine-tuned model has a part whose freezing
// means something (its Embedding: kept as GloVe, or fine-tuned at a tenth of the rate after the head).
// Pure: the trainer finds the facts in a run's model (src/trainer/text/textLayerFacts.ts), the webview draws.
import type { TextPooling } from './textRecipe';

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
  /** How the GloVe row pooled (absent: mean+max, as every run before the recipe's text.pooling). */
  pooling?: TextPooling;
  /** Hashed TF-IDF columns the lexical head kept (the others have no weight), when it has that part. */
  lexicalColumns?: number;
  /** The fused model's one head over [TF-IDF row | GloVe row × scale]: the columns it weighs, and the scale. */
  fused?: { columns: number; scale: number; binary?: boolean; weighting?: FusedWeightingBy };
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

/** The width of the GloVe row and its pooling in words. */
function glovePooling(f: TextLayerFacts, meanOnly: boolean): { width: number; detail: string } {
  const { dims } = f.vectors;
  if (meanOnly) return { width: dims, detail: `mean of the word vectors → ${dims}` };
  const sif = 'SIF-weighted mean (common direction removed)';
  if (f.pooling === 'mean') return { width: dims, detail: `${sif} → ${dims}` };
  return { width: 2 * dims, detail: `${sif} and max → ${2 * dims}` };
}

function gloveLayers(f: TextLayerFacts, meanOnly: boolean): TextLayer[] {
  const { words, dims } = f.vectors;
  const pooling = glovePooling(f, meanOnly);
  return [
    layer('Tokenizer', 'words, identifiers split into their parts (parseHttpHeader → parse http header)'),
    layer('Embedding', `GloVe-100, built in: ${words} words × ${dims}, kept as it is`, words * dims),
    layer('Pooling', pooling.detail),
    head(f.classes, f.gloveColumns ?? pooling.width, 'logistic regression'),
  ];
}

/** Who chose the fused model's term weighting: the length rule alone (a split too small to cross-validate, and
 * runs of earlier versions: absent), the rule kept by cross-validation, or cross-validation over the rule. */
export type FusedWeightingBy = 'rule' | 'cross-validation';

/** The term weighting in words, and who chose it. */
export function termWeighting(binary = false, by?: FusedWeightingBy): string {
  const counts = binary ? 'each term once' : 'sublinear counts';
  if (by === 'cross-validation') return `${counts} (5-fold cross-validation overruled the length rule)`;
  return by === 'rule' ? `${counts} (the length rule's, kept by 5-fold cross-validation)` : counts;
}

function lexicalLayers(f: TextLayerFacts, binary = false, by?: FusedWeightingBy): TextLayer[] {
  const counts = termWeighting(binary, by);
  return [
    layer('Tokenizer', `word 1–2-grams and character 2–5-grams within words, hashed`),
    layer('TF-IDF', `${counts} × IDF fitted on the training split, each block unit length`),
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

/** Both rows side by side under one head: GloVe where texts share few n-grams, n-grams where they share many. */
function fusedLayers(f: TextLayerFacts, fused: NonNullable<TextLayerFacts['fused']>): TextLayer[] {
  const [glove, lexical] = [gloveLayers(f, false), lexicalLayers(f, fused.binary, fused.weighting)];
  return [
    ...lexical.slice(0, 2).map((l) => ({ ...l, name: `lexical · ${l.name}` })),
    ...glove.slice(0, 3).map((l) => ({ ...l, name: `GloVe · ${l.name}` })),
    layer('Concatenate', `[TF-IDF row | GloVe row (${glovePooling(f, false).width}) × ${fused.scale}]`),
    head(f.classes, fused.columns, 'sparse logistic regression on the weighted columns'),
  ];
}

/**
 * The layers of a text model. `freezeEmbedding` is the choice for the next training (it changes only the
 * fine-tuned model); a fused model lists both rows, each layer named with its part, then their one head.
 */
export function textLayers(f: TextLayerFacts, freezeEmbedding: boolean): TextLayer[] {
  if (f.kind === 'tuned') return tunedLayers(f, freezeEmbedding);
  if (f.kind === 'encoder' && f.encoder) return encoderLayers(f);
  if (f.kind === 'lexical') return lexicalLayers(f);
  if (f.kind === 'glove' || f.kind === 'glove-mean') return gloveLayers(f, f.kind === 'glove-mean');
  if (f.fused) return fusedLayers(f, f.fused);
  // A fused run of an earlier version: two heads, probabilities averaged.
  const parts: [string, TextLayer[]][] = [];
  if (f.gloveWeight > 0) parts.push(['GloVe', gloveLayers(f, false)]);
  if (f.gloveWeight < 1) parts.push(['lexical', lexicalLayers(f)]);
  const weight = `GloVe ${f.gloveWeight.toFixed(2)}, lexical ${(1 - f.gloveWeight).toFixed(2)}`;
  return [
    ...parts.flatMap(([part, layers]) => layers.map((l) => ({ ...l, name: `${part} · ${l.name}` }))),
    layer('Fusion', `probabilities averaged: ${weight} (chosen by cross-validation)`),
  ];
}
