// Every field a recipe file may hold, once: the reader's type and range checks, the language server's
// completion and hover, and the JSON Schema shipped for editors (schemas/recipe.schema.json) all come from
// this table, so they cannot disagree; so do the checks derived from it: recipeProblems (recipeChecks.ts: recipe
// files, the editor, the CLI and the engine), the panel's settings (host check and webview fields) and
// package.json's settings (a unit test compares them).
import { AUTO, AUTO_WIDE_HEAD, DEFAULT_TIME_BUDGET_SECONDS, MAX_TIME_BUDGET_SECONDS, OFF } from './autoFlow';
import { BUILTIN_BASES } from './builtinBases';
import { LIMITS } from './limits';
import type { Augmentation, FreezeSpec, HeadSpec, SecondPhase, TrainRecipe } from './engineTypes';
import type { SourceModel } from './evaluationTypes';
import { RAY_RECIPE_SECTION } from './rayRecipe';
import { TEXT_RECIPE_SECTION } from './text/textRecipe';

/** What a string value names, so the server knows which checks and completions apply. */
export type StringRole = 'path' | 'base' | 'layer' | 'frozenEntry' | 'column';

/** `words`: plain words a number or a section also accepts in its place, e.g. "auto". */
export type FieldSpec =
  | { kind: 'string'; doc: string; role?: StringRole; enum?: readonly string[]; examples?: readonly string[] }
  | {
      kind: 'number';
      doc: string;
      integer?: boolean;
      min?: number;
      max?: number;
      exclusiveMin?: boolean;
      exclusiveMax?: boolean;
      enum?: readonly number[];
      words?: readonly string[];
    }
  | { kind: 'boolean'; doc: string }
  | {
      kind: 'object';
      doc: string;
      fields: Readonly<Record<string, FieldSpec>>;
      required?: readonly string[];
      words?: readonly string[];
    }
  | { kind: 'list'; doc: string; items: FieldSpec; minItems?: number; maxItems?: number };

export const OPTIMIZERS = ['adam', 'sgd', 'rmsprop'] as const;
/** Values of `sourceModel`. */
export const SOURCE_MODELS = ['cnn', 'pixels-linear', 'pixels-mlp'] as const satisfies readonly SourceModel[];

const layer = (doc: string): FieldSpec => ({ kind: 'string', role: 'layer', doc });

// `satisfies` makes the compiler insist that every field of TrainRecipe (and of its sections) is listed here.
export const RECIPE_FIELDS: Readonly<Record<string, FieldSpec>> = {
  name: { kind: 'string', doc: 'Name of the run; the run folder is named after it.' },
  mode: {
    kind: 'string',
    enum: ['transfer', 'source'],
    doc: 'transfer: a pretrained base plus a new head. source: a small CNN trained from scratch.',
  },
  data: {
    kind: 'string',
    role: 'path',
    doc: 'Dataset, relative to this recipe: a folder with one subfolder per class (images, or .txt/.md texts), or a .csv/.tsv/.jsonl table of texts (see "text").',
  },
  base: {
    kind: 'string',
    role: 'base',
    examples: BUILTIN_BASES,
    doc: `Base model: a built-in id (${BUILTIN_BASES.join(', ')}), a model.json, .keras or .h5 path or run folder relative to this recipe, or an http(s) URL.`,
  },
  freeze: {
    kind: 'object',
    doc: 'Where the base is cut and which of its layers stay frozen.',
    fields: {
      featureLayer: layer(
        "The layer the new head sits on; later layers of the base are dropped. Default: the base's feature layer.",
      ),
      freezeUpTo: layer('Freeze every layer up to and including this one; the rest of the kept base trains.'),
      frozen: {
        kind: 'list',
        items: {
          kind: 'string',
          role: 'frozenEntry',
          doc: 'A layer name, "up to <layer>", or a glob pattern such as block_1_*.',
        },
        doc: 'Frozen layers: names, "up to <layer>", or glob patterns (* and ?). Absent with freezeUpTo absent: the whole kept base is frozen.',
      },
    } satisfies Record<keyof FreezeSpec, FieldSpec>,
  },
  head: {
    kind: 'object',
    doc: 'The new classifier on top of the feature layer.',
    fields: {
      pooling: { kind: 'string', enum: ['avg', 'max', 'flatten'], doc: 'How the feature map becomes a vector.' },
      dense: {
        kind: 'number',
        integer: true,
        min: 0,
        max: 65536,
        doc: 'Width of an optional hidden dense layer (0: none).',
      },
      dropout: {
        kind: 'number',
        min: 0,
        max: 1,
        exclusiveMax: true,
        doc: 'Dropout before the output layer, in [0, 1).',
      },
    } satisfies Record<keyof HeadSpec, FieldSpec>,
  },
  optimizer: { kind: 'string', enum: OPTIMIZERS, doc: 'The optimizer of both training phases (default adam).' },
  learningRate: {
    kind: 'number',
    min: 0,
    max: 10,
    exclusiveMin: true,
    exclusiveMax: true,
    doc: 'Learning rate of the first phase.',
  },
  epochs: {
    kind: 'number',
    integer: true,
    min: 1,
    max: 10000,
    words: [AUTO],
    doc: 'Epochs of the first phase; auto (default): until validation loss stops improving.',
  },
  batchSize: { kind: 'number', integer: true, min: 1, max: 4096, doc: 'Images per training step.' },
  validationSplit: {
    kind: 'number',
    min: 0,
    max: 1,
    exclusiveMin: true,
    exclusiveMax: true,
    doc: 'Fraction of each class held out for validation.',
  },
  testSplit: {
    kind: 'number',
    min: 0,
    max: 1,
    exclusiveMax: true,
    words: [AUTO],
    doc: 'Fraction of each class held out for the final test (0: evaluate on validation; auto, the default: 15% when every class has 20 images or more).',
  },
  seed: {
    kind: 'number',
    integer: true,
    doc: 'Seed of the split, the shuffling and the augmentation: the same seed gives the same run.',
  },
  patience: {
    kind: 'number',
    integer: true,
    min: 0,
    doc: 'Stop when validation loss has not improved for this many epochs (0: never).',
  },
  augmentation: {
    kind: 'object',
    doc: 'Random changes to training images (absent: none).',
    fields: {
      flip: { kind: 'boolean', doc: 'Mirror images left to right at random.' },
      rotation: { kind: 'number', min: 0, max: 180, doc: 'Maximum rotation in degrees, both directions.' },
      crop: {
        kind: 'number',
        min: 0,
        max: 1,
        exclusiveMax: true,
        doc: 'Maximum fraction cropped from the borders before resizing back.',
      },
      brightness: {
        kind: 'number',
        min: 0,
        max: 1,
        doc: 'Maximum brightness change as a fraction of the value range.',
      },
    } satisfies Record<keyof Augmentation, FieldSpec>,
  },
  secondPhase: {
    kind: 'object',
    required: ['unfreezeFrom'],
    words: [AUTO, OFF],
    doc: 'After the head has converged, unfreeze the top of the base and train on at a lower rate. auto (default): try the top blocks within the time budget, keep them only if validation improves; off: head only.',
    fields: {
      unfreezeFrom: layer('This layer and every later kept layer train in the second phase.'),
      epochs: { kind: 'number', integer: true, min: 1, max: 10000, doc: 'Epochs of the second phase (default 5).' },
      learningRate: {
        kind: 'number',
        min: 0,
        max: 10,
        exclusiveMin: true,
        exclusiveMax: true,
        doc: 'Learning rate of the second phase (default: a tenth of the first).',
      },
    } satisfies Record<keyof SecondPhase, FieldSpec>,
  },
  timeBudget: {
    kind: 'number',
    integer: true,
    min: 1,
    max: MAX_TIME_BUDGET_SECONDS,
    doc: `Seconds the automatic flow may spend training once features are cached (default ${DEFAULT_TIME_BUDGET_SECONDS}).`,
  },
  compareScratch: {
    kind: 'boolean',
    doc: "Also train what a practitioner would try without transfer (a small CNN at the data's resolution, a linear model on raw pixels) on the same split for the same time.",
  },
  outputDir: { kind: 'string', role: 'path', doc: 'Folder that receives the run folders, relative to this recipe.' },
  inputSize: {
    kind: 'list',
    items: { kind: 'number', integer: true, min: 1, max: LIMITS.maxInputSide, doc: 'Pixels.' },
    minItems: 2,
    maxItems: 2,
    doc: 'Height and width of the input, [h, w]. Mode source fits the CNN to it; with a base it must match what the base takes.',
  },
  inputChannels: { kind: 'number', enum: [1, 3], doc: '1 for grayscale data such as MNIST, 3 for colour.' },
  sourceModel: {
    kind: 'string',
    enum: SOURCE_MODELS,
    doc: `Mode source: the model trained from scratch. cnn (default): a small CNN; pixels-linear: a softmax on the raw pixels; pixels-mlp: one hidden layer of ${AUTO_WIDE_HEAD.dense} on them (what a run keeps when the automatic flow finds that pixels beat transfer).`,
  },
  maxPerClass: { kind: 'number', integer: true, min: 0, doc: 'Use at most this many images per class (0: all).' },
  ray: RAY_RECIPE_SECTION,
  text: TEXT_RECIPE_SECTION,
} satisfies Record<keyof TrainRecipe, FieldSpec>;

/** The spec at a path of keys (list items are addressed by any number), or undefined for an unknown field. */
export function fieldAt(path: readonly (string | number)[]): FieldSpec | undefined {
  let spec: FieldSpec | undefined = { kind: 'object', doc: '', fields: RECIPE_FIELDS };
  for (const key of path) {
    if (!spec) return undefined;
    if (spec.kind === 'object' && typeof key === 'string') spec = spec.fields[key];
    else if (spec.kind === 'list' && typeof key === 'number') spec = spec.items;
    else return undefined;
  }
  return spec;
}

export type NumberSpec = Extract<FieldSpec, { kind: 'number' }>;
export type StringSpec = Extract<FieldSpec, { kind: 'string' }>;

/** The spec of a number field at a path of keys; a typo in the path is a programming error. */
export function numberField(...path: string[]): NumberSpec {
  const spec = fieldAt(path);
  if (spec?.kind !== 'number') throw new Error(`No number field ${path.join('.')} in the recipe table.`);
  return spec;
}

/** The spec of a text field at a path of keys. */
export function stringField(...path: string[]): StringSpec {
  const spec = fieldAt(path);
  if (spec?.kind !== 'string') throw new Error(`No text field ${path.join('.')} in the recipe table.`);
  return spec;
}

/** Whether a finite number fits a number field (whole if it must be, within its bounds or its enum). */
export function inRange(n: number, spec: NumberSpec): boolean {
  if (spec.enum) return spec.enum.includes(n);
  if (spec.integer && !Number.isInteger(n)) return false;
  if (spec.min !== undefined && (spec.exclusiveMin ? n <= spec.min : n < spec.min)) return false;
  if (spec.max !== undefined && (spec.exclusiveMax ? n >= spec.max : n > spec.max)) return false;
  return true;
}

/** Whether any value is a finite number that fits the field: for untrusted input such as webview messages. */
export function fitsNumber(v: unknown, spec: NumberSpec): v is number {
  return typeof v === 'number' && Number.isFinite(v) && inRange(v, spec);
}

/** The range of a number field in words, e.g. "a whole number from 1 to 4096". */
export function describeRange(spec: NumberSpec): string {
  const what = spec.integer ? 'a whole number' : 'a number';
  if (spec.enum) return `${spec.enum.join(' or ')}`;
  const low = spec.min === undefined ? undefined : `${spec.exclusiveMin ? 'above' : 'at least'} ${spec.min}`;
  const high = spec.max === undefined ? undefined : `${spec.exclusiveMax ? 'below' : 'at most'} ${spec.max}`;
  if (spec.integer && low && high && !spec.exclusiveMin && !spec.exclusiveMax)
    return `${what} from ${spec.min} to ${spec.max}`;
  return [what, [low, high].filter(Boolean).join(' and ')].filter(Boolean).join(' ');
}

const KIND_WORDS: Record<FieldSpec['kind'], string> = {
  string: 'a string',
  number: 'a number',
  boolean: 'a boolean',
  object: 'a mapping',
  list: 'a list',
};

/** Type mistakes at the top level of a recipe read back from JSON (run folders), derived from the table. */
export function recipeTypeProblems(value: Record<string, unknown>): string[] {
  const problems: string[] = [];
  for (const [key, v] of Object.entries(value)) {
    const spec = RECIPE_FIELDS[key];
    if (!spec) {
      problems.push(`unknown field "${key}"`);
      continue;
    }
    const actual = v === null ? 'null' : Array.isArray(v) ? 'list' : typeof v === 'object' ? 'object' : typeof v;
    // A word the field takes in place of its kind (epochs: auto, secondPhase: off) is not a type mistake.
    const word = typeof v === 'string' && (spec.kind === 'number' || spec.kind === 'object') && spec.words?.includes(v);
    if (actual !== spec.kind && !word) problems.push(`"${key}" must be ${KIND_WORDS[spec.kind]}, not ${actual}`);
  }
  return problems;
}
