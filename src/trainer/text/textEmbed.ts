// `embed` for text: one vector per example, written like the image embeddings (embeddingOutput.ts).
// GloVe: the same row the GloVe model's head reads (SIF mean without its first principal component, beside
// the max pooling), the component taken from these texts, labels unused. An ONNX encoder: its pooled vectors.
import type { EmbedResult, ProgressEvent } from '../../shared/engineTypes';
import type { TextEmbedParams } from '../../shared/text/textEmbedProtocol';
import { readTextDataset } from '../data/text/textDataset';
import { checkEmbeddingBytes, writeEmbedded, type Embedded } from '../features/embeddingOutput';
import { encodeCached } from './encoderCache';
import { openEncoderAt } from './encoderDownload';
import { fitGloveState, gloveRow, poolTexts } from './gloveFeatures';
import { builtinWordVectors } from './wordVectors';

export async function embedTexts(p: TextEmbedParams, emit: (e: ProgressEvent) => void): Promise<EmbedResult> {
  const data = readTextDataset(p.source, p.columns);
  const classes = data.classes.map((name) => ({
    name,
    files: data.examples.filter((e) => e.label === name).map((e) => e.path),
  }));
  const texts = data.examples.map((e) => e.text);
  const paths = data.examples.map((e) => e.path);
  const embedded = (vectors: Float32Array[], about: Record<string, unknown>): Embedded => ({
    classes,
    vectors: new Map(paths.map((f, i) => [f, vectors[i]])),
    dims: vectors[0]?.length ?? 0,
    about: { source: p.source, ...about },
  });
  if (p.encoder === undefined) {
    const words = builtinWordVectors();
    checkEmbeddingBytes(texts.length, 2 * words.dims);
    const pooled = poolTexts(words, texts);
    const state = fitGloveState(pooled.means);
    const rows = pooled.means.map((mean, i) => gloveRow(state, mean, pooled.maxes[i]));
    emit({ kind: 'log', level: 'info', message: `GloVe: ${(100 * pooled.coverage).toFixed(1)} % of words known` });
    return writeEmbedded(embedded(rows, { base: 'glove', pooling: 'SIF mean + max' }), p, 'pooled words');
  }
  const encoder = await openEncoderAt(p.encoder, p.cacheDir);
  try {
    const { vectors, computed } = await encodeCached(encoder, texts, p.cacheDir);
    emit({ kind: 'log', level: 'info', message: `${encoder.detail}: ${computed} of ${texts.length} texts computed` });
    const pooling = encoder.meta.poolings.join('+');
    return writeEmbedded(embedded(vectors, { base: encoder.source, pooling }), p, `${pooling} pooling`);
  } finally {
    await encoder.dispose();
  }
}
