// A lexical model's training n-grams in the exported form: two id streams (words from the WordLevel
// tokenizer.json the other text exports write; characters from a second, character-level tokenizer.json) and
// each n-gram as ids, with its column of the TF-IDF row. One source for the ONNX graph and both tokenizers.
import { EngineError } from '../../shared/engineError';
import { CONTROL_CHARACTERS } from '../../shared/text/textNormalise';
import {
  CHAR_GRAMS,
  CHAR_SPACE,
  gramColumn,
  gramKey,
  lowerEachCharacter,
  WORD_GRAMS,
} from '../data/text/lexicalFeatures';
import type { LexicalState } from '../data/text/lexicalFeatures';
import { FIRST_WORD_ID, PAD_ID, UNKNOWN_ID } from '../data/text/textVocabulary';
import { specialToken as special } from './textTokenizerJson';

/** The n-grams of one block as ids, grouped by length as TfIdfVectorizer wants them, with their columns. */
export interface GramPool {
  /** Ids of the n-grams of length minGram, then minGram + 1, …; each n-gram's ids in order. */
  pool: number[];
  /** Where each length's n-grams start in `pool` (an entry per length from 1 to maxGram). */
  starts: number[];
  /** Per n-gram in pool order: its output index (its column's place in `columns`). */
  indexes: number[];
  /** The TF-IDF columns of this block, ascending; output index i is columns[i]. */
  columns: number[];
  minGram: number;
  maxGram: number;
}

/** Both blocks and the tokens whose ids they use (id = index + FIRST_WORD_ID). */
export interface LexicalVocabulary {
  words: string[];
  characters: string[];
  wordPool: GramPool;
  charPool: GramPool;
}

/** The exported form of a lexical state; refused by name when the run kept no n-grams. */
export function lexicalVocabulary(state: LexicalState, runDir: string): LexicalVocabulary {
  if (!state.grams) {
    throw new EngineError(
      `${runDir}: its TF-IDF row was fitted by an older version, which kept no n-grams: train it again to export.`,
    );
  }
  const [wordGrams, charGrams] = state.grams;
  const words = wordGrams.filter((g) => !g.includes(' '));
  const characters = [...new Set(charGrams.flatMap((g) => [...g]))].sort();
  const wordIds = new Map(words.map((w, i) => [w, i + FIRST_WORD_ID]));
  const charIds = new Map(characters.map((c, i) => [c, i + FIRST_WORD_ID]));
  const idsOf = (ids: Map<string, number>, parts: string[]) =>
    parts.map((p) => ids.get(p) ?? fail(runDir, `"${p}" of an n-gram is not in its vocabulary`));
  return {
    words,
    characters,
    wordPool: gramPool(wordGrams, 0, WORD_GRAMS, (g) => idsOf(wordIds, g.split(' '))),
    charPool: gramPool(charGrams, 1, CHAR_GRAMS, (g) => idsOf(charIds, [...g])),
  };
}

function gramPool(
  grams: readonly string[],
  block: 0 | 1,
  [minGram, maxGram]: readonly [number, number],
  ids: (gram: string) => number[],
): GramPool {
  const asIds = grams.map((gram) => ({ ids: ids(gram), column: gramColumn(gramKey(gram, block)) }));
  const columns = [...new Set(asIds.map((g) => g.column))].sort((a, b) => a - b);
  const index = new Map(columns.map((c, i) => [c, i]));
  const pool: number[] = [];
  const indexes: number[] = [];
  const starts: number[] = [];
  for (let n = 1; n <= maxGram; n++) {
    starts.push(pool.length);
    for (const g of asIds.filter((x) => x.ids.length === n)) {
      pool.push(...g.ids);
      indexes.push(index.get(g.column)!);
    }
  }
  return { pool, starts, indexes, columns, minGram, maxGram };
}

function fail(runDir: string, what: string): never {
  throw new EngineError(`${runDir}: ${what}.`);
}

/**
 * The character tokenizer.json: the engine's normalisation (NFKC, no control characters, white space runs as
 * one), lowercase character by character, then each word between spaces as the lexical model pads it — the
 * stream " w1  w2 … " as one id per character (pad 0, unknown 1). The model cuts it at CHAR_GRAM_CHARS.
 */
export function charTokenizerJson(characters: readonly string[]): string {
  const vocab: Record<string, number> = { '[PAD]': PAD_ID, '[UNK]': UNKNOWN_ID };
  characters.forEach((c, i) => (vocab[c] = i + FIRST_WORD_ID));
  const spaceId = vocab[' '];
  if (spaceId === undefined) throw new EngineError('The character n-grams have no word boundary.');
  const replace = (regex: string, content: string) => ({ type: 'Replace', pattern: { Regex: regex }, content });
  const token = (id: string) => ({ SpecialToken: { id, type_id: 0 } });
  return JSON.stringify({
    version: '1.0',
    truncation: null,
    padding: {
      ...{ strategy: 'BatchLongest', direction: 'Right', pad_to_multiple_of: null },
      ...{ pad_id: PAD_ID, pad_type_id: 0, pad_token: '[PAD]' },
    },
    added_tokens: [special(PAD_ID, '[PAD]'), special(UNKNOWN_ID, '[UNK]')],
    normalizer: {
      type: 'Sequence',
      normalizers: [
        replace('^\ufeff', ''),
        { type: 'NFKC' },
        replace(CONTROL_CHARACTERS, ''),
        { type: 'Lowercase' },
        replace(`^${CHAR_SPACE}+|${CHAR_SPACE}+$`, ''),
        replace(`${CHAR_SPACE}+`, '  '),
      ],
    },
    pre_tokenizer: { type: 'Split', pattern: { Regex: '.' }, behavior: 'Isolated', invert: false },
    // The first word's leading space and the last word's trailing one.
    post_processor: {
      type: 'TemplateProcessing',
      single: [token('[SP]'), { Sequence: { id: 'A', type_id: 0 } }, token('[SP]')],
      pair: [{ Sequence: { id: 'A', type_id: 0 } }, { Sequence: { id: 'B', type_id: 1 } }],
      special_tokens: { '[SP]': { id: '[SP]', ids: [spaceId], tokens: [' '] } },
    },
    decoder: null,
    model: { type: 'WordLevel', vocab, unk_token: '[UNK]' },
  });
}

/** The character ids of one (normalised) text, as the character tokenizer gives them. */
export function charIds(characters: readonly string[], text: string): number[] {
  const ids = new Map(characters.map((c, i) => [c, i + FIRST_WORD_ID]));
  const words = text.split(new RegExp(`${CHAR_SPACE}+`, 'u')).filter((w) => w !== '');
  const stream = ` ${lowerEachCharacter(words.join('  '))} `;
  return [...stream].map((c) => ids.get(c) ?? UNKNOWN_ID);
}
