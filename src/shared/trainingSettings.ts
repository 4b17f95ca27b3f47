// The panel's training settings are a view of a few recipe fields. This is the one place that converts
// between them: the VS Code settings, a recipe file bound to the studio, and the recipe a run starts from
// all go through it, and the numbers' bounds are the recipe field table's.
import type { SecondPhase, TrainRecipe } from './engineTypes';
import type { TrainingSettings } from './panelProtocol';
import { DEFAULT_AUGMENTATION, defaultRecipe } from './recipeDefaults';
import { describeRange, fitsNumber, numberField, type NumberSpec } from './recipeFields';

/** Settings that are recipe numbers of the same name. */
export const NUMBER_SETTINGS = ['epochs', 'learningRate', 'batchSize', 'validationSplit'] as const satisfies readonly (keyof TrainingSettings & keyof TrainRecipe)[];
export type NumberSetting = (typeof NUMBER_SETTINGS)[number];

/** Settings that switch a part of the recipe on or off. */
export const FLAG_SETTINGS = ['augmentation', 'secondPhase', 'compareScratch'] as const satisfies readonly (keyof TrainingSettings)[];
export type FlagSetting = (typeof FLAG_SETTINGS)[number];

/** The settings a recipe edit writes back into a bound recipe file when they change. */
export const RECIPE_SETTINGS = [...NUMBER_SETTINGS, 'compareScratch', 'augmentation'] as const;

/** The recipe table's spec of a number setting: its bounds and how to say them. */
export function settingSpec(key: NumberSetting): NumberSpec {
  return numberField(key);
}

/** Why a value cannot be this setting ("a whole number from 1 to 10000"), or undefined when it fits. */
export function settingProblem(key: NumberSetting | FlagSetting, value: unknown): string | undefined {
  if ((FLAG_SETTINGS as readonly string[]).includes(key)) return typeof value === 'boolean' ? undefined : 'true or false';
  const spec = settingSpec(key as NumberSetting);
  return fitsNumber(value, spec) ? undefined : describeRange(spec);
}

/** The settings of a recipe's fields; fields it leaves out take the recipe defaults. */
export function settingsOfRecipe(fields: Partial<TrainRecipe>): TrainingSettings {
  const d = defaultRecipe('');
  return {
    epochs: fields.epochs ?? d.epochs,
    learningRate: fields.learningRate ?? d.learningRate,
    batchSize: fields.batchSize ?? d.batchSize,
    validationSplit: fields.validationSplit ?? d.validationSplit,
    augmentation: !!fields.augmentation,
    secondPhase: !!fields.secondPhase,
    compareScratch: fields.compareScratch ?? d.compareScratch,
  };
}

/** The recipe fields the settings set (the second phase needs the base's layers: see secondPhaseOf). */
export function recipeFieldsOf(s: TrainingSettings): Pick<TrainRecipe, NumberSetting | 'compareScratch' | 'augmentation'> {
  return {
    epochs: s.epochs,
    learningRate: s.learningRate,
    batchSize: s.batchSize,
    validationSplit: s.validationSplit,
    compareScratch: s.compareScratch,
    ...(s.augmentation ? { augmentation: { ...DEFAULT_AUGMENTATION } } : {}),
  };
}

/** The second phase the switch turns on: half the epochs at a tenth of the rate, from `unfreezeFrom`. */
export function secondPhaseOf(s: TrainingSettings, unfreezeFrom: string): SecondPhase {
  return { unfreezeFrom, epochs: Math.max(1, Math.ceil(s.epochs / 2)), learningRate: s.learningRate / 10 };
}
