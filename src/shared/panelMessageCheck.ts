// Validates what the training panel (a webview, untrusted: it renders user data and could be scripted)
// sends to the host. Every field is checked against src/shared/panelProtocol.ts and copied into a fresh
// object, so nothing the webview attached (extra fields, `__proto__` keys, huge strings) reaches the host.
// Plain TypeScript: the host imports it, and tests run it without VS Code.
import { EXPORT_FORMATS, isExportFormat } from './exportTypes';
import type { TrainingSettings, WebviewMessage, WebviewMessageType } from './panelProtocol';
import { FLAG_SETTINGS, NUMBER_SETTINGS, settingProblem } from './trainingSettings';

/** The outcome of checking one message: the message rebuilt from checked fields, or why it was refused. */
export type WebviewMessageCheck = { ok: true; message: WebviewMessage } | { ok: false; reason: string };

/** Layer names come from model files; Keras names are short, so this only stops abuse. */
export const MAX_LAYER_NAME_LENGTH = 256;
/** Longest path accepted (Linux PATH_MAX); the host still confines it to the workspace folders. */
export const MAX_PATH_LENGTH = 4096;

type Fields = Record<string, unknown>;
/** A message of one type rebuilt from checked fields, or the reason it is refused. */
type Check<K extends WebviewMessageType> = (fields: Fields) => Extract<WebviewMessage, { type: K }> | string;

const CHECKS: { [K in WebviewMessageType]: { keys: readonly string[]; check: Check<K> } } = {
  ready: { keys: [], check: () => ({ type: 'ready' }) },
  startTraining: { keys: [], check: () => ({ type: 'startTraining' }) },
  startTrainingOnRay: { keys: [], check: () => ({ type: 'startTrainingOnRay' }) },
  cancelTraining: { keys: [], check: () => ({ type: 'cancelTraining' }) },
  setTrainable: {
    keys: ['layer', 'trainable'],
    check: (f) => {
      const layer = layerName(f.layer, 'setTrainable.layer');
      if (typeof layer !== 'object') return layer;
      if (typeof f.trainable !== 'boolean')
        return `"setTrainable.trainable" must be true or false, not ${describe(f.trainable)}`;
      return { type: 'setTrainable', layer: layer.name, trainable: f.trainable };
    },
  },
  freezeUpTo: { keys: ['layer'], check: (f) => withLayer(f, 'freezeUpTo', (layer) => ({ type: 'freezeUpTo', layer })) },
  unfreezeFrom: {
    keys: ['layer'],
    check: (f) => withLayer(f, 'unfreezeFrom', (layer) => ({ type: 'unfreezeFrom', layer })),
  },
  setFeatureLayer: {
    keys: ['layer'],
    check: (f) => withLayer(f, 'setFeatureLayer', (layer) => ({ type: 'setFeatureLayer', layer })),
  },
  updateSettings: {
    keys: ['settings'],
    check: (f) => {
      const settings = trainingSettings(f.settings);
      return typeof settings === 'string' ? settings : { type: 'updateSettings', settings };
    },
  },
  openImage: {
    keys: ['path'],
    check: (f) => {
      const p = f.path;
      if (typeof p !== 'string' || p.length === 0 || p.length > MAX_PATH_LENGTH)
        return `"openImage.path" must be a string of 1 to ${MAX_PATH_LENGTH} characters, not ${describe(p)}`;
      if (p.includes('\0')) return '"openImage.path" contains a NUL character';
      return { type: 'openImage', path: p };
    },
  },
  setTextEmbeddingFrozen: {
    keys: ['frozen'],
    check: (f) =>
      typeof f.frozen === 'boolean'
        ? { type: 'setTextEmbeddingFrozen', frozen: f.frozen }
        : `"setTextEmbeddingFrozen.frozen" must be true or false, not ${describe(f.frozen)}`,
  },
  exportRun: {
    keys: ['format'],
    check: (f) =>
      isExportFormat(f.format)
        ? { type: 'exportRun', format: f.format }
        : `"exportRun.format" must be one of ${EXPORT_FORMATS.join(', ')}, not ${describe(f.format)}`,
  },
};

/** Every setting the panel may send; their bounds are the recipe's (src/shared/recipeFields.ts). */
const SETTING_KEYS: readonly string[] = [
  ...NUMBER_SETTINGS,
  ...FLAG_SETTINGS,
] satisfies readonly (keyof TrainingSettings)[];

/** Checks one message from the webview; unknown types, missing or extra fields and out-of-range values are refused. */
export function parseWebviewMessage(value: unknown): WebviewMessageCheck {
  if (!isPlainRecord(value)) return { ok: false, reason: `a message must be an object, not ${describe(value)}` };
  const type = value.type;
  if (typeof type !== 'string' || !Object.prototype.hasOwnProperty.call(CHECKS, type)) {
    return { ok: false, reason: `unknown message type ${describe(type)}` };
  }
  const spec = CHECKS[type as WebviewMessageType] as {
    keys: readonly string[];
    check: (f: Fields) => WebviewMessage | string;
  };
  const extra = Object.keys(value).filter((k) => k !== 'type' && !spec.keys.includes(k));
  if (extra.length > 0)
    return {
      ok: false,
      reason: `"${type}" has unexpected field(s) ${extra
        .slice(0, 3)
        .map((k) => describe(k))
        .join(', ')}`,
    };
  const checked = spec.check(value);
  return typeof checked === 'string' ? { ok: false, reason: checked } : { ok: true, message: checked };
}

function withLayer<M>(f: Fields, type: string, make: (layer: string) => M): M | string {
  const layer = layerName(f.layer, `${type}.layer`);
  return typeof layer === 'object' ? make(layer.name) : layer;
}

function layerName(v: unknown, field: string): { name: string } | string {
  if (typeof v !== 'string' || v.length === 0 || v.length > MAX_LAYER_NAME_LENGTH) {
    return `"${field}" must be a layer name of 1 to ${MAX_LAYER_NAME_LENGTH} characters, not ${describe(v)}`;
  }
  return { name: v };
}

function trainingSettings(v: unknown): Partial<TrainingSettings> | string {
  if (!isPlainRecord(v)) return `"updateSettings.settings" must be an object, not ${describe(v)}`;
  const out: Partial<TrainingSettings> = {};
  for (const key of Object.keys(v)) {
    if (!SETTING_KEYS.includes(key)) return `"updateSettings.settings" has an unknown setting ${describe(key)}`;
    const k = key as keyof TrainingSettings;
    const value = v[k];
    const problem = settingProblem(k, value);
    if (problem) return `setting "${k}" must be ${problem}, not ${describe(value)}`;
    (out as Record<string, unknown>)[k] = value;
  }
  return out;
}

function isPlainRecord(v: unknown): v is Fields {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

/** A short, safe description of an untrusted value for a log line (never the whole value). */
function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  switch (typeof v) {
    case 'string':
      return (
        JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v) + (v.length > 40 ? ` (${v.length} characters)` : '')
      );
    case 'number':
      return String(v);
    case 'boolean':
      return String(v);
    case 'undefined':
      return 'nothing';
    case 'object':
      return 'an object';
    default:
      return `a ${typeof v}`;
  }
}
