// What a sentence-transformers folder says about turning token embeddings into one sentence vector: the
// pooling mode(s), whether a Normalize module follows, and the maximum length in tokens. Both metadata
// formats are read: the classic one (`pooling_mode_mean_tokens: true`, `max_seq_length` in
// sentence_bert_config.json) and sentence-transformers 6's (`pooling_mode: "mean"`, the length in
// tokenizer_config.json's `model_max_length`). Pure: the trainer reads the files and passes their JSON.

/** Poolings we compute, in the order sentence-transformers concatenates them when several are on. */
export const ENCODER_POOLINGS = ['cls', 'max', 'mean', 'mean_sqrt_len', 'lasttoken'] as const;
export type EncoderPooling = (typeof ENCODER_POOLINGS)[number];

/** How the encoder's token embeddings become one vector per text. */
export interface EncoderMeta {
  poolings: EncoderPooling[];
  normalize: boolean;
  maxLength: number;
}

/** The metadata files of a sentence-transformers folder, parsed (undefined when absent). */
export interface EncoderMetaFiles {
  modules?: unknown;
  pooling?: unknown;
  sentenceBert?: unknown;
  tokenizerConfig?: unknown;
}

/** Without any length in the metadata: BERT's position table. */
export const DEFAULT_ENCODER_MAX_LENGTH = 512;
/** The longest input we run: attention's memory grows with its square. */
export const MAX_ENCODER_LENGTH = 8192;

const CLASSIC_FLAGS: Record<string, EncoderPooling> = {
  pooling_mode_cls_token: 'cls',
  pooling_mode_max_tokens: 'max',
  pooling_mode_mean_tokens: 'mean',
  pooling_mode_mean_sqrt_len_tokens: 'mean_sqrt_len',
  pooling_mode_lasttoken: 'lasttoken',
};
const NAMED: Record<string, EncoderPooling> = {
  cls: 'cls',
  max: 'max',
  mean: 'mean',
  mean_sqrt_len_tokens: 'mean_sqrt_len',
  lasttoken: 'lasttoken',
};
const UNSUPPORTED_CLASSIC = ['pooling_mode_weightedmean_tokens'];

const record = (v: unknown): Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

/** Reads the poolings; throws an Error naming the value it cannot compute. */
export function encoderPoolings(pooling: unknown): EncoderPooling[] {
  const p = record(pooling);
  for (const flag of UNSUPPORTED_CLASSIC) if (p[flag] === true) throw new Error(`${flag} is not supported`);
  const named = p.pooling_mode;
  if (named !== undefined) {
    const modes = Array.isArray(named) ? named : [named];
    return modes.map((m) => {
      const mode = NAMED[String(m)];
      if (!mode) throw new Error(`pooling_mode ${JSON.stringify(m)} is not supported`);
      return mode;
    });
  }
  const on = Object.entries(CLASSIC_FLAGS)
    .filter(([flag]) => p[flag] === true)
    .map(([, mode]) => mode);
  // No pooling file at all: sentence-transformers' own default for a bare transformer.
  return on.length > 0 ? on : ['mean'];
}

function moduleTypes(modules: unknown): string[] {
  return Array.isArray(modules) ? modules.map((m) => String(record(m).type ?? '')) : [];
}

/** The metadata of a folder; throws an Error naming what it cannot use. */
export function encoderMeta(files: EncoderMetaFiles): EncoderMeta {
  const types = moduleTypes(files.modules);
  const normalize = types.some((t) => /(^|\.)Normalize$/.test(t));
  const unknown = types.find((t) => !/(^|\.)(Transformer|Pooling|Normalize)$/.test(t));
  if (unknown) throw new Error(`module ${unknown} is not supported (Transformer, Pooling, Normalize are)`);
  const lengths = [record(files.sentenceBert).max_seq_length, record(files.tokenizerConfig).model_max_length];
  // Tokenizer configs without a length say 1e30: that is no length at all.
  const given = lengths.find(
    (n): n is number => typeof n === 'number' && Number.isInteger(n) && n > 0 && n <= MAX_ENCODER_LENGTH,
  );
  const maxLength = given ?? DEFAULT_ENCODER_MAX_LENGTH;
  if (maxLength < 2) throw new Error(`maximum length ${maxLength} leaves no room for a token`);
  return { poolings: encoderPoolings(files.pooling), normalize, maxLength };
}

/** `--base https://…/`: the encoder folder is a URL (downloaded once into the cache), not a path. */
export const isEncoderUrl = (base: string) => /^https?:\/\//i.test(base);

/**
 * What is wrong with a URL typed for an encoder folder, in one line naming it; undefined for an http(s)
 * URL (the download then says what the folder there lacks).
 */
export function encoderUrlProblem(value: string): string | undefined {
  const url = value.trim();
  if (!isEncoderUrl(url)) return `"${url}" is not an http:// or https:// URL.`;
  if (/\s/.test(url)) return `"${url}" has a space in it: encode it as %20.`;
  // http(s) URLs always have a host once they parse.
  return URL.canParse(url) ? undefined : `"${url}" is not a valid URL.`;
}
