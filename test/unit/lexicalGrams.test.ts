// The lexical model's n-grams: an n-gram its training split never had counts nothing, even where it hashes
// into a trained column (what lets TfIdfVectorizer state the model exactly); the kept n-grams read back as the
// same keys; character n-grams stay within words, per code point, up to the stream's cut.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CHAR_GRAM_CHARS,
  fitLexicalState,
  forEachGram,
  gramColumn,
  gramKey,
  gramKeys,
  lexicalRow,
  seenGrams,
  termCounts,
} from '../../src/trainer/data/text/lexicalFeatures';

const TRAIN = ['the disk is full again', 'the network is slow today', 'backup failed on the disk'];

describe('lexical n-grams', () => {
  it('an unseen word that hashes into a trained column counts nothing', () => {
    const state = fitLexicalState(TRAIN.map(termCounts));
    const trained = new Set([...state.seen!].map(gramColumn));
    // The first made-up word whose column a training n-gram already holds (found by search, not chosen).
    // Letters only: digits would split the word (md5sum → md, 5, sum).
    const letters = (i: number) => [...i.toString(26)].map((d) => String.fromCharCode(97 + parseInt(d, 26))).join('');
    let word = '';
    for (let i = 0; !word; i++) if (trained.has(gramColumn(gramKey(`zq${letters(i)}`, 0)))) word = `zq${letters(i)}`;
    const row = lexicalRow(state, termCounts(word));
    assert.equal(row.idx.filter((c) => c === gramColumn(gramKey(word, 0))).length, 0, word);
    // Without the kept n-grams (a run of an earlier version) it would have counted.
    const hashedOnly = lexicalRow({ documents: state.documents, idf: state.idf }, termCounts(word));
    assert.ok(hashedOnly.idx.includes(gramColumn(gramKey(word, 0))), word);
  });

  it('the kept n-grams, as text, give back the keys the fit saw', () => {
    const state = fitLexicalState(TRAIN.map(termCounts));
    const grams = seenGrams(state, TRAIN)!;
    assert.ok(grams[0].includes('disk') && grams[0].includes('the disk'));
    assert.ok(grams[1].includes(' dis') && grams[1].includes('sk '));
    assert.deepEqual([...gramKeys(grams)].sort(), [...state.seen!].sort());
  });

  it('character n-grams stay within padded words, take an emoji as one character and stop at the cut', () => {
    const chars: string[] = [];
    forEachGram('Ab  😀c', (gram, block) => block === 1 && chars.push(gram));
    assert.deepEqual(
      chars.sort(),
      [' a', ' ab', ' ab ', ' 😀', ' 😀c', ' 😀c ', 'ab', 'ab ', 'b ', 'c ', '😀c', '😀c '].sort(),
    );
    let longest = 0;
    let count = 0;
    const long = Array.from({ length: 2000 }, () => 'abc').join(' ');
    forEachGram(long, (gram, block) => block === 1 && (count++, (longest = Math.max(longest, gram.length))));
    // 600 padded words of 5 characters fill the 3,000: each gives 4 + 3 + 2 + 1 n-grams.
    assert.equal(CHAR_GRAM_CHARS, 3000);
    assert.equal(count, 600 * 10);
    assert.equal(longest, 5);
  });
});
