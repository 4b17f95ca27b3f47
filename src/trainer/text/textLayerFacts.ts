// The numbers of a fitted text model that its layer list needs (src/shared/text/textLayers.ts): written into
// text-run.json when a run trains, and read back from text-model.json for runs made before that.
import type { TextLayerFacts } from '../../shared/text/textLayers';
import { encoderMeta } from '../../shared/text/encoderMeta';
import type { TextModel } from './textHeads';
import { encoderFiles } from './sentenceEncoder';
import { builtinWordVectors } from './wordVectors';

/** How the encoder pools, from its metadata; its folder may be gone since the run trained. */
function encoderPooling(folder: string): string {
  try {
    const poolings = encoderMeta(encoderFiles(folder).metaFiles).poolings;
    return `${poolings.join(' + ')} pooling`;
  } catch {
    return 'pooling as its metadata says (the folder cannot be read now)';
  }
}

/** The facts of a fitted model; `embeddingFrozen`: how the training that fitted it was asked to train. */
export function textLayerFacts(model: TextModel, embeddingFrozen = false): TextLayerFacts {
  const vectors = builtinWordVectors();
  const facts: TextLayerFacts = {
    kind: model.kind,
    classes: model.classes,
    gloveWeight: model.gloveWeight,
    vectors: { words: vectors.count, dims: vectors.dims },
  };
  if (model.glove) facts.gloveColumns = model.glove.head.columns.length;
  const pooling = model.glove?.state.pooling ?? model.fused?.glove.pooling;
  if (pooling) facts.pooling = pooling;
  if (model.lexical) facts.lexicalColumns = model.lexical.head.columns.length;
  if (model.fused) {
    const { head, scale, binary, weighting } = model.fused;
    facts.fused = { columns: head.columns.length, scale, ...(binary ? { binary } : {}) };
    if (weighting) facts.fused.weighting = weighting.switched ? 'cross-validation' : 'rule';
  }
  if (model.tuned) Object.assign(facts, { tunedWords: model.tuned.words.length, embeddingFrozen });
  if (model.encoder) {
    const { source, head } = model.encoder;
    facts.encoder = { folder: source, dims: head.columns.length, pooling: encoderPooling(source) };
  }
  return facts;
}
