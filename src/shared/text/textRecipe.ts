// What a recipe says about text data: which columns of a table hold the text and the label, and which text
// model to train. Pure (the webview compiles the recipe field table, which lists these).
import type { TrainRecipe } from '../engineTypes';
import { LIMITS } from '../limits';
import type { FieldSpec } from '../recipeFields';
import type { TextTrainParams } from './textProtocol';

/** The text models a run can keep; auto keeps the best of fused, glove, lexical and tuned on validation. */
export const TEXT_MODEL_CHOICES = ['auto', 'fused', 'glove', 'lexical', 'tuned'] as const;
export type TextModelChoice = (typeof TEXT_MODEL_CHOICES)[number];

/** How the GloVe row pools a text's word vectors: the SIF-weighted mean beside the max (default), or alone. */
export const TEXT_POOLINGS = ['mean+max', 'mean'] as const;
export type TextPooling = (typeof TEXT_POOLINGS)[number];
/** The models that read each text option (auto fits them all); the others ignore it. */
export const TEXT_OPTION_MODELS = {
  pooling: ['auto', 'fused', 'glove'],
  vocabularySize: ['auto', 'tuned'],
} as const satisfies Record<string, readonly TextModelChoice[]>;

/** The recipe's `text` section; ignored for image data. */
export interface TextRecipe {
  /** Header name of the table's text column (absent: detected from the header). */
  column?: string;
  /** Header name of the table's label column (absent: detected from the header). */
  labelColumn?: string;
  /** Absent: auto. */
  model?: TextModelChoice;
  /** A folder with an ONNX sentence encoder, relative to the recipe: the run fits a head on its vectors. */
  encoder?: string;
  /** Absent: mean+max. */
  pooling?: TextPooling;
  /** Words the fine-tuned Embedding keeps (absent: LIMITS.maxTextVocabulary). */
  vocabularySize?: number;
}

/** The recipe fields a text run reads; the others (base, freeze, epochs…) are for images. */
export const TEXT_RUN_FIELDS: readonly (keyof TrainRecipe)[] = [
  'name',
  'data',
  'text',
  'validationSplit',
  'testSplit',
  'seed',
  'outputDir',
];

/** The `text` section of the recipe field table (src/shared/recipeFields.ts). */
export const TEXT_RECIPE_SECTION = {
  kind: 'object',
  doc: 'Text data ("data" is a .csv/.tsv/.jsonl table, or a folder with one subfolder of .txt/.md files per class): which columns hold the text and the label, and which text model to train. Ignored for images.',
  fields: {
    column: {
      kind: 'string',
      role: 'column',
      doc: 'The column of the table that holds the text, by its header name. Default: the first of text, sentence, content, body, message, document; else the first column.',
    },
    labelColumn: {
      kind: 'string',
      role: 'column',
      doc: 'The column of the table that holds the label, by its header name. Default: the first of label, class, category, target, intent, topic; else the other of the first two columns.',
    },
    model: {
      kind: 'string',
      enum: TEXT_MODEL_CHOICES,
      doc: 'fused: GloVe-100 word vectors and lexical TF-IDF under one head; glove: the word vectors pooled (short texts); lexical: word and character n-gram TF-IDF (long texts); tuned: the word vectors fine-tuned with the head; auto (default): fused unless another beats it on validation beyond chance, refit on train + validation.',
    },
    encoder: {
      kind: 'string',
      role: 'path',
      doc: 'A folder holding an ONNX sentence encoder, relative to this recipe, or the http(s) URL of one (downloaded once into the cache): model.onnx (or onnx/model.onnx), tokenizer.json and the sentence-transformers files (modules.json, 1_Pooling/config.json). The run encodes every text with it once (vectors cached) and fits a logistic head on them, compared with the lexical and GloVe-mean baselines; "model" is then ignored.',
    },
    pooling: {
      kind: 'string',
      enum: TEXT_POOLINGS,
      doc: "How the glove and fused models pool a text's GloVe word vectors. mean+max (default): the SIF-weighted mean (frequent words weigh little, the common direction removed) beside the max over the words; mean: that mean alone, half the columns. The tuned model always takes the plain mean; lexical and an encoder ignore it.",
    },
    vocabularySize: {
      kind: 'number',
      integer: true,
      min: 1,
      max: LIMITS.maxTextVocabulary,
      doc: `Words the tuned model's Embedding keeps: the training split's most frequent (default and at most ${LIMITS.maxTextVocabulary}); every other word shares one unknown vector. The other models ignore it.`,
    },
  } satisfies Record<keyof TextRecipe, FieldSpec>,
} as const satisfies FieldSpec;

/** The test split of a text run when nothing (or auto) says otherwise: a fifth, as the CLI's --test. */
export const TEXT_TEST_SPLIT = 0.2;

/** What a text run takes from a complete recipe whose data and output folder are resolved. */
export function textTrainParams(r: TrainRecipe): TextTrainParams {
  return {
    source: r.data,
    columns: { text: r.text?.column, label: r.text?.labelColumn },
    model: r.text?.model ?? 'auto',
    base: r.text?.encoder,
    pooling: r.text?.pooling,
    vocabularySize: r.text?.vocabularySize,
    outputDir: r.outputDir,
    seed: r.seed,
    validationSplit: r.validationSplit,
    testSplit: r.testSplit === 'auto' ? TEXT_TEST_SPLIT : r.testSplit,
  };
}
