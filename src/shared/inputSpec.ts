// What a model takes as input, by kind of data. A run records it (run.json `input`), the export metadata
// carries it, and the trainer picks the module of that kind (src/trainer/data/kinds/) from its `kind`.
// Pure types and rules: every process compiles this file.
import type { Preprocessing } from './engineTypes';

/** Pixels: today's preprocessing (size, channels, scale) plus its kind. */
export interface ImageInput extends Preprocessing {
  kind: 'image';
}

/**
 * Text as a model takes it: integer token ids and a mask (1 = token, 0 = padding), `maxLength` per example;
 * shorter texts are padded, longer ones cut. Optionally sparse lexical features beside them.
 */
export interface TextInput {
  kind: 'text';
  /** Tokens per example after cutting and padding (the ids and mask inputs are [batch, maxLength]). */
  maxLength: number;
  tokenizer: TokenizerRef;
  /** Bag-of-n-gram features fitted on the training split; absent: the model takes tokens only. */
  lexical?: LexicalInput;
}

/** Which tokenizer and vocabulary turn text into ids. */
export interface TokenizerRef {
  /** words: lowercased words split at non-letters (word vectors); wordpiece: a tokenizer.json (BERT-style). */
  type: 'words' | 'wordpiece';
  /** A built-in vocabulary id or the path of its file. */
  vocabulary: string;
  /** Content hash of the vocabulary: in the feature-cache key, so a changed vocabulary recomputes. */
  vocabularyKey: string;
  padId: number;
  unknownId: number;
}

/** Sparse lexical features (e.g. TF-IDF of n-grams) and the state fitted for them on the training split. */
export interface LexicalInput {
  /** Shortest and longest n-gram, e.g. [1, 2]. */
  ngrams: [number, number];
  /** The most frequent terms of the training split that are kept. */
  maxTerms: number;
  /** Absent until fitted; the vocabulary and IDF weights live in a file of the run folder. */
  fitted?: {
    /** File name inside the run folder. */
    file: string;
    /** Content hash of that file: in the feature-cache key (it depends on the training split). */
    key: string;
    terms: number;
  };
}

/** The input of a model, by kind of data. */
export type InputSpec = ImageInput | TextInput;
export type InputKind = InputSpec['kind'];

/** The least a kind module's input has: its kind (a kind that exists only in tests is a string too). */
export interface KindInput {
  kind: string;
}

export function imageInput(prep: Preprocessing): ImageInput {
  return { kind: 'image', ...prep };
}

/** The preprocessing of an image input in today's field order: the image feature-cache key hashes it. */
export function imagePreprocessing(input: ImageInput): Preprocessing {
  return { size: input.size, channels: input.channels, scale: input.scale };
}

export function isImageInput(input: KindInput): input is ImageInput {
  return input.kind === 'image';
}
