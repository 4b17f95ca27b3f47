// The input of a text model that reads token ids before anything is fitted: words split and lowercased as
// GloVe and the lexical model see them, a corpus vocabulary still to fit (its key is empty until then).
import type { TextInput } from '../inputSpec';

/** Tokens per example: a short text fits whole, an e-mail is judged by its first few paragraphs. */
export const DEFAULT_TEXT_LENGTH = 256;
/** The run-folder file holding the fitted corpus vocabulary (one word per line, in id order). */
export const TEXT_VOCABULARY_FILE = 'vocabulary.txt';

export function defaultTextInput(maxLength = DEFAULT_TEXT_LENGTH): TextInput {
  return {
    kind: 'text',
    maxLength,
    tokenizer: { type: 'words', vocabulary: TEXT_VOCABULARY_FILE, vocabularyKey: '', padId: 0, unknownId: 1 },
  };
}
