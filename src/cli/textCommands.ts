// The CLI's text paths (issue 25): scan, train, evaluate and predict route here when their data is text —
// a .csv/.tsv/.jsonl table, a folder whose class subfolders hold .txt/.md files, or a text run folder.
import fs from 'node:fs';
import path from 'node:path';
import { formatBytes, LIMITS } from '../shared/limits';
import { DEFAULT_SEED } from '../shared/recipeDefaults';
import { isEncoderUrl } from '../shared/text/encoderMeta';
import { TEXT_MODEL_FILE } from '../shared/text/textFiles';
import * as T from '../shared/text/textProtocol';
import { textEmbed as textEmbedRequest } from '../shared/text/textEmbedProtocol';
import { TEXT_TEST_SPLIT } from '../shared/text/textRecipe';
import { textVerdict } from '../shared/text/textVerdict';
import { termWeighting } from '../shared/text/textLayers';
export { isTextData } from '../io/textSource';
import { CliError } from './cliError';
import { stringOption as str, type CommandContext, type OptionSpec } from './commandSpec';
import { EXIT } from './exitCodes';
import { formatEmbed, formatEvaluation, table } from './format';
import { embedChoices, embedOutDir } from './imageCommands';
import { predictionLine } from './predictCommand';
import { pct } from './progressView';

/** Options of scan, train and evaluate on text tables. */
export const TEXT_COLUMN_OPTIONS: readonly OptionSpec[] = [
  {
    flags: '--text-column <name>',
    description: 'text data: the text column of a table (header name or 1-based position)',
  },
  {
    flags: '--label-column <name>',
    description: 'text data: the label column of a table (header name or 1-based position)',
  },
];

/** Options of train that only text data takes. */
export const TEXT_TRAIN_OPTIONS: readonly OptionSpec[] = [
  ...TEXT_COLUMN_OPTIONS,
  {
    flags: '--text-model <model>',
    description:
      'text data: fused (GloVe + lexical), glove, lexical, tuned (GloVe fine-tuned), ' +
      'or auto (the best on validation)',
    choices: T.TEXT_MODEL_CHOICES,
    default: 'auto',
  },
];

/** train's options that mean something for text data; any other is refused rather than ignored. */
const TEXT_TRAIN_FLAGS = new Set(['val', 'test', 'seed', 'out', 'text-column', 'label-column', 'text-model', 'base']);
const COMMON = new Set(['json', 'backend', 'cache']);

export function isTextRunDir(runDir: string): boolean {
  return fs.existsSync(path.join(runDir, TEXT_MODEL_FILE));
}

const columns = (ctx: CommandContext): T.TextColumnFlags => ({
  text: str(ctx, 'text-column'),
  label: str(ctx, 'label-column'),
});

export async function textScan(ctx: CommandContext, source: string): Promise<number> {
  const scan = await ctx.client().sendRequest(T.textScan, { source, columns: columns(ctx) }, ctx.token);
  const skipped = scan.skipped.length
    ? `\nSkipped ${scan.skipped.length}:\n${scan.skipped.map((s) => `  ${s.path}: ${s.reason}`).join('\n')}`
    : '';
  ctx.view.result(
    scan,
    table(
      ['class', 'texts'],
      scan.classes.map((c) => [c.name, c.count]),
    ) + skipped,
  );
  return EXIT.ok;
}

/** `recipe`: a recipe on text data (`train --recipe`) gives what the flags do not. */
export async function textTrain(
  ctx: CommandContext,
  source: string,
  outputDir: string,
  recipe?: T.TextTrainParams,
): Promise<number> {
  const given = Object.keys(ctx.options);
  const extra = given.filter((o) => !TEXT_TRAIN_FLAGS.has(o) && !COMMON.has(o) && !(recipe && o === 'recipe'));
  if (extra.length > 0) {
    throw new CliError(
      `--${extra[0]} does not apply to text data (frozen features + a head); see transfer-studio train --help.`,
    );
  }
  const fraction = (name: string, fallback: number) => {
    const v = str(ctx, name);
    const n = v === undefined ? fallback : Number(v);
    if (!(n >= 0 && n < 1)) throw new CliError(`--${name} must be a fraction in [0, 1), not ${v}.`);
    return n;
  };
  ctx.view.event({ kind: 'log', level: 'info', message: `Training text models on ${source}` });
  const result = await ctx.client().sendRequest(
    T.textTrain,
    {
      source,
      columns: {
        text: str(ctx, 'text-column') ?? recipe?.columns.text,
        label: str(ctx, 'label-column') ?? recipe?.columns.label,
      },
      model: (str(ctx, 'text-model') ?? recipe?.model ?? 'auto') as T.TextModelChoice,
      outputDir,
      seed: Number(str(ctx, 'seed') ?? recipe?.seed ?? DEFAULT_SEED),
      validationSplit: fraction('val', recipe?.validationSplit ?? 0.2),
      testSplit: fraction('test', recipe?.testSplit ?? TEXT_TEST_SPLIT),
      ...encoderBase(str(ctx, 'base') ?? recipe?.base),
      pooling: recipe?.pooling,
      vocabularySize: recipe?.vocabularySize,
      cacheDir: ctx.cacheDir,
    },
    ctx.token,
  );
  ctx.view.result(result, formatTextRun(result));
  return EXIT.ok;
}

/**
 * --base (train) or --bases (probe) for text: a folder, or a folder URL downloaded once into the cache, with
 * the user's ONNX sentence encoder; the built-in bases are chosen by --text-model.
 */
export function encoderBase(base: string | undefined, flag = 'base'): { base?: string } {
  if (base === undefined) return {};
  if (isEncoderUrl(base)) return { base };
  if (!fs.statSync(base, { throwIfNoEntry: false })?.isDirectory())
    throw new CliError(
      `--${flag} ${base}: text data takes one folder (or an https:// folder URL) with an ONNX sentence ` +
        'encoder (model.onnx, tokenizer.json).',
    );
  return { base: path.resolve(base) };
}

/** `embed <texts>`: GloVe's row of each text (--base glove, the default) or the user's encoder's vector. */
export async function textEmbed(ctx: CommandContext, source: string): Promise<number> {
  if (str(ctx, 'layer') !== undefined)
    throw new CliError('--layer does not apply to text data: its bases have one output (see embed --help).');
  const base = str(ctx, 'base');
  const params = {
    source: path.resolve(source),
    columns: columns(ctx),
    ...(base === undefined || base === 'glove' ? {} : { encoder: encoderBase(base).base }),
    cacheDir: ctx.cacheDir,
    ...embedChoices(ctx),
    outDir: embedOutDir(ctx, path.basename(source).replace(/\.(csv|tsv|jsonl)$/i, '')),
  };
  const result = await ctx.client().sendRequest(textEmbedRequest, params, ctx.token);
  ctx.view.result(result, formatEmbed(result, 'texts'));
  return EXIT.ok;
}

/** `layers <text run>`: the kept model's layers, as the panel's Layers tab lists them. */
export async function textLayersCommand(ctx: CommandContext, runDir: string): Promise<number> {
  const result = await ctx.client().sendRequest(T.textLayersOf, { runDir: path.resolve(runDir) }, ctx.token);
  const rows = result.layers.map((l) => [l.name, l.detail, l.parameters, l.trainable ? 'yes' : 'no']);
  const total = result.layers.reduce((a, l) => a + l.parameters, 0);
  const trained = result.layers.reduce((a, l) => a + (l.trainable ? l.parameters : 0), 0);
  const text =
    `${result.kind} text model (${result.runDir})\n` +
    table(['layer', 'what it does', 'parameters', 'trained'], rows) +
    `\n${total} parameters, ${trained} trained`;
  ctx.view.result(result, text);
  return EXIT.ok;
}

export function formatTextRun(r: T.TextRunResult): string {
  const rows = r.candidates.map((c) => [
    c.name + (c.name === r.kept ? ' (kept)' : ''),
    pct(c.validationAccuracy),
    pct(c.testAccuracy),
  ]);
  const fused = r.layers?.fused;
  const counts = fused ? `, ${termWeighting(fused.binary, fused.weighting)}` : '';
  const weight = r.kept === 'fused' ? `, GloVe row × ${r.gloveWeight} beside TF-IDF${counts}` : '';
  const refit = r.refitOn ? `, refit on train + validation (${r.refitOn} texts)` : '';
  return [
    `Run folder: ${r.runDir}`,
    `Split ${r.split.train}/${r.split.validation}/${r.split.test} (train/validation/test); kept ${r.kept}${weight}${refit}`,
    table(['model', 'validation', r.evaluatedOn], rows),
    bestLine(r),
    '',
    formatEvaluation(r.evaluation, `Kept model (${r.evaluatedOn} split)`),
  ].join('\n');
}

function bestLine(r: T.TextRunResult): string {
  const v = textVerdict(r.kept, r.winner, r.candidates);
  const on = `Best on the ${r.evaluatedOn} split:`;
  if (v.outcome === 'beaten') return `${on} ${v.by} (a baseline beat the kept model)`;
  return v.outcome === 'tied' ? `${on} ${r.kept}, tied with ${v.with.join(', ')}` : `${on} ${r.kept}`;
}

export async function textEvaluate(ctx: CommandContext, runDir: string, source: string): Promise<number> {
  const evaluation = await ctx
    .client()
    .sendRequest(T.textEvaluate, { runDir, source, columns: columns(ctx), cacheDir: ctx.cacheDir }, ctx.token);
  ctx.view.result(evaluation, formatEvaluation(evaluation));
  return EXIT.ok;
}

/** Texts to classify: --text, text files, and "-" for one text per line on stdin. */
export async function textPredict(ctx: CommandContext, runDir: string, inputs: string[]): Promise<number> {
  const items: T.TextItem[] = [];
  const given = str(ctx, 'text');
  if (given !== undefined) items.push({ path: '--text', text: given });
  for (const input of inputs) {
    if (input === '-') {
      const lines = (await readStdin()).split(/\r?\n/);
      lines.forEach((line, i) => line.trim() && items.push({ path: `stdin:${i + 1}`, text: line }));
    } else {
      const stat = fs.statSync(input, { throwIfNoEntry: false });
      if (!stat?.isFile()) throw new CliError(`${input}: not a text file.`);
      if (stat.size > LIMITS.maxTextFileBytes)
        throw new CliError(`${input}: more than ${formatBytes(LIMITS.maxTextFileBytes)}.`);
      items.push({ path: input, text: fs.readFileSync(input, 'utf8') });
    }
  }
  if (items.length === 0)
    throw new CliError('Nothing to classify: give --text "…", text files, or - to read lines from stdin.');
  const predictions = await ctx.client().sendRequest(T.textPredict, { runDir, items }, ctx.token);
  for (const p of predictions) ctx.view.item('prediction', p, predictionLine(p));
  ctx.view.result({ texts: predictions.length }, `${predictions.length} text(s) predicted.`);
  return EXIT.ok;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of process.stdin) {
    bytes += (chunk as Buffer).length;
    if (bytes > LIMITS.maxTextTableBytes)
      throw new CliError(`stdin: more than ${formatBytes(LIMITS.maxTextTableBytes)}.`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
