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

export function encoderTokenizer(json: object, config: object, maxLength: number): EncoderTokenizer {
  const tokenizer = new Tokenizer(json, config);
  const plainProbe = tokenizer.encode(PROBE, { add_special_tokens: false }).ids;
  const fullProbe = tokenizer.encode(PROBE).ids;
  const at = indexOfRun(fullProbe, plainProbe);
  // A post-processor that rewrites the sequence itself (none we know): truncate the processed ids instead.
  const prefix = at < 0 ? [] : fullProbe.slice(0, at);
  const suffix = at < 0 ? [] : fullProbe.slice(at + plainProbe.length);
  const room = Math.max(0, maxLength - prefix.length - suffix.length);
  const named = (v: unknown) => (typeof v === 'string' ? tokenizer.token_to_id(v) : undefined);
  const c = config as { pad_token?: unknown; unk_token?: unknown };
  return {
    padId: named(c.pad_token) ?? 0,
    unknownId: named(c.unk_token) ?? 1,
    encode(text) {
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
