// The panel's training settings are a view of a few recipe fields. This is the one place that converts
// between them: the VS Code settings, a recipe file bound to the studio, and the recipe a run starts from
// all go through it, and the numbers' bounds are the recipe field table's.
import { AUTO, AUTO_FINE_TUNE_EPOCHS, DEFAULT_TIME_BUDGET_SECONDS, OFF, secondPhaseRate } from './autoFlow';
import type { SecondPhase, TrainRecipe } from './engineTypes';
import type { TrainingSettings } from './panelProtocol';
import { DEFAULT_AUGMENTATION, defaultRecipe } from './recipeDefaults';
import { describeRange, fitsNumber, numberField, type NumberSpec } from './recipeFields';

/** Settings that are recipe numbers of the same name. */
export const NUMBER_SETTINGS = [
  'epochs',
  'learningRate',
  'batchSize',
  'validationSplit',
  'timeBudget',
] as const satisfies readonly (keyof TrainingSettings & keyof TrainRecipe)[];
export type NumberSetting = (typeof NUMBER_SETTINGS)[number];

/** Settings that switch a part of the recipe on or off. */
export const FLAG_SETTINGS = [
  'augmentation',
  'secondPhase',
  'compareScratch',
] as const satisfies readonly (keyof TrainingSettings)[];
export type FlagSetting = (typeof FLAG_SETTINGS)[number];

/**
 * transferStudio.secondPhase: auto (the engine decides), on (the top block, always) or off; auto first, the default.
 */
export const SECOND_PHASE_SETTING_VALUES = [AUTO, 'on', OFF] as const;

/** The panel's second-phase switch for a transferStudio.secondPhase value (anything unknown: auto). */
export function secondPhaseSetting(v: unknown): TrainingSettings['secondPhase'] {
  return v === OFF ? false : v === 'on' ? true : AUTO;
}

/** Whether the settings leave anything to the automatic flow, the only part the time budget limits. */
export function usesTimeBudget(s: Pick<TrainingSettings, 'epochs' | 'secondPhase'>): boolean {
  return s.epochs === AUTO || s.secondPhase === AUTO;
}

/** The settings a recipe edit writes back into a bound recipe file when they change. */
export const RECIPE_SETTINGS = [...NUMBER_SETTINGS, 'compareScratch', 'augmentation'] as const;

/** The recipe table's spec of a number setting: its bounds and how to say them. */
export function settingSpec(key: NumberSetting): NumberSpec {
  return numberField(key);
}

/** Why a value cannot be this setting ("a whole number from 1 to 10000"), or undefined when it fits. */
export function settingProblem(key: NumberSetting | FlagSetting, value: unknown): string | undefined {
  if (key === 'secondPhase') return typeof value === 'boolean' || value === AUTO ? undefined : `true, false or ${AUTO}`;
  if ((FLAG_SETTINGS as readonly string[]).includes(key))
    return typeof value === 'boolean' ? undefined : 'true or false';
  const spec = settingSpec(key as NumberSetting);
  // A number field's words (epochs: auto) are settings too.
  if (typeof value === 'string' && spec.words?.includes(value)) return undefined;
  return fitsNumber(value, spec) ? undefined : [...(spec.words ?? []), describeRange(spec)].join(' or ');
}

/** The settings of a recipe's fields; fields it leaves out take the recipe defaults. */
export function settingsOfRecipe(fields: Partial<TrainRecipe>): TrainingSettings {
  const d = defaultRecipe('');
  // A recipe file may say `secondPhase: off`, which the reader turns into no second phase.
  const phase: unknown = fields.secondPhase ?? d.secondPhase;
  return {
    epochs: fields.epochs ?? d.epochs,
    learningRate: fields.learningRate ?? d.learningRate,
    batchSize: fields.batchSize ?? d.batchSize,
    validationSplit: fields.validationSplit ?? d.validationSplit,
    augmentation: !!fields.augmentation,
    secondPhase: phase === AUTO ? AUTO : phase !== OFF && !!phase,
    compareScratch: fields.compareScratch ?? d.compareScratch,
    timeBudget: fields.timeBudget ?? d.timeBudget ?? DEFAULT_TIME_BUDGET_SECONDS,
  };
}

/**
 * The recipe fields the settings set. An explicit second phase needs the base's layers (see secondPhaseOf);
 * auto is a recipe word and passes through.
 */
export function recipeFieldsOf(
  s: TrainingSettings,
): Pick<TrainRecipe, NumberSetting | 'compareScratch' | 'augmentation' | 'secondPhase'> {
  return {
    epochs: s.epochs,
    learningRate: s.learningRate,
    batchSize: s.batchSize,
    validationSplit: s.validationSplit,
    timeBudget: s.timeBudget,
    compareScratch: s.compareScratch,
    // Set either way: the default recipe's auto must not survive a switch turned off.
    secondPhase: s.secondPhase === AUTO ? AUTO : undefined,
    ...(s.augmentation ? { augmentation: { ...DEFAULT_AUGMENTATION } } : {}),
  };
}

/**
 * The second phase the switch turns on: half the epochs at a tenth of the rate, from `unfreezeFrom`. With
 * epochs auto, the automatic fine-tuning's cap (half of the head's cap would be 150 epochs of the base).
 */
export function secondPhaseOf(s: TrainingSettings, unfreezeFrom: string): SecondPhase {
  const epochs = s.epochs === AUTO ? AUTO_FINE_TUNE_EPOCHS : Math.max(1, Math.ceil(s.epochs / 2));
  return { unfreezeFrom, epochs, learningRate: secondPhaseRate(s.learningRate) };
}
