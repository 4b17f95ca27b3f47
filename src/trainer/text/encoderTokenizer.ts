// A user encoder's tokenizer.json, read by Hugging Face's own JavaScript port (@huggingface/tokenizers), with
// the one thing it lacks: truncation as Python's `tokenizers` does it for one sequence (the words cut to
// fit, the special tokens of the post-processor kept), so our ids match sentence-transformers' exactly.
import { Tokenizer } from '@huggingface/tokenizers';

/** One text's ids and token types, at most `maxLength` long. */
export interface TokenIds {
  ids: number[];
  types: number[];
}

export interface EncoderTokenizer {
  encode(text: string): TokenIds;
  /** Ids of the padding and unknown tokens the config names (0 and 1 when it names none we know). */
  padId: number;
  unknownId: number;
}

/** A text whose tokens tell where the post-processor puts its special tokens around a sequence. */
const PROBE = 'a b c';
/**
 * Characters per kept token tried first on a long text, doubled until enough tokens come out: wordpieces
 * average about five with their space (6 sufficed for all 288 bench e-mails, 5 for 284), and the time to
 * tokenise grows with the characters read (whole bench e-mails, 5,250 characters on average, took about ten
 * times longer in a quick check).
 */
const PREFIX_CHARS_PER_TOKEN = 6;
/** Pre-tokenizers that split at white space first, so a prefix cut at a space tokenises as the text begins. */
const SPLITS_AT_SPACES = new Set(['BertPreTokenizer', 'Whitespace', 'WhitespaceSplit', 'Metaspace', 'ByteLevel']);

function splitsAtSpaces(json: object): boolean {
  const pre = (json as { pre_tokenizer?: { type?: string; pretokenizers?: { type?: string }[] } }).pre_tokenizer;
  if (!pre?.type) return false;
  if (pre.type === 'Sequence') return (pre.pretokenizers ?? []).every((p) => SPLITS_AT_SPACES.has(p.type ?? ''));
  return SPLITS_AT_SPACES.has(pre.type);
}

/** The text cut at the last white space before `chars`, or undefined when it is not longer than that. */
function prefixAtSpace(text: string, chars: number): string | undefined {
  if (text.length <= chars) return undefined;
  const cut = text.lastIndexOf(' ', chars);
  return cut > 0 ? text.slice(0, cut) : undefined;
}

export function encoderTokenizer(json: object, config: object, maxLength: number): EncoderTokenizer {
  const tokenizer = new Tokenizer(json, config);
  const plainProbe = tokenizer.encode(PROBE, { add_special_tokens: false }).ids;
  const fullProbe = tokenizer.encode(PROBE).ids;
  const at = indexOfRun(fullProbe, plainProbe);
  // A post-processor that rewrites the sequence itself (none we know): truncate the processed ids instead.
  const prefix = at < 0 ? [] : fullProbe.slice(0, at);
  const suffix = at < 0 ? [] : fullProbe.slice(at + plainProbe.length);
  const room = Math.max(0, maxLength - prefix.length - suffix.length);
  // A long e-mail costs milliseconds to tokenise whole; its beginning alone gives the same kept tokens.
  const shortcut = at >= 0 && splitsAtSpaces(json);
  const named = (v: unknown) => (typeof v === 'string' ? tokenizer.token_to_id(v) : undefined);
  const c = config as { pad_token?: unknown; unk_token?: unknown };
  return {
    padId: named(c.pad_token) ?? 0,
    unknownId: named(c.unk_token) ?? 1,
    encode(text) {
      for (let chars = room * PREFIX_CHARS_PER_TOKEN; shortcut && room > 0; chars *= 2) {
        const head = prefixAtSpace(text, chars);
        if (head === undefined) break;
        const plain = tokenizer.encode(head, { add_special_tokens: false }).ids;
        // More tokens than fit: the words after the cut could only have been cut off.
        if (plain.length > room) {
          const ids = [...prefix, ...plain.slice(0, room), ...suffix];
          return { ids, types: zeros(ids) };
        }
      }
      const full = tokenizer.encode(text, { return_token_type_ids: true });
      if (full.ids.length <= maxLength) return { ids: full.ids, types: full.token_type_ids ?? zeros(full.ids) };
      const ids =
        at < 0
          ? full.ids.slice(0, maxLength)
          : [...prefix, ...tokenizer.encode(text, { add_special_tokens: false }).ids.slice(0, room), ...suffix];
      // A single sequence has type 0 throughout (BERT's template); truncation does not change that.
      return { ids, types: (full.token_type_ids ?? zeros(full.ids)).slice(0, ids.length) };
    },
  };
}

const zeros = (xs: readonly number[]) => xs.map(() => 0);

function indexOfRun(xs: readonly number[], run: readonly number[]): number {
  for (let i = 0; i + run.length <= xs.length; i++) if (run.every((v, k) => xs[i + k] === v)) return i;
  return -1;
}
