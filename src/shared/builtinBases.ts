// The bases that ship inside the extension (dist/models/<id>), with what a user needs to choose between
// them. Here, not in the trainer, so the picker, the CLI, the language server and the recipe reader can name
// and describe them without loading tfjs. scripts/builtinModels.mjs copies their files out of nsfwjs.

/** Built-in base ids, the first being the default. */
export const BUILTIN_BASES = ['mobilenet_v2', 'inception_v3'] as const;

export type BuiltinBaseId = (typeof BUILTIN_BASES)[number];

/** What the picker, `transfer-studio layers` and the README say about a built-in base. */
export interface BuiltinBaseInfo {
  title: string;
  /** Input height and width; pixels are scaled to [0, 1]. */
  inputSize: [number, number];
  /** Parameters of the whole model as shipped (a test checks this against the loaded model). */
  params: number;
  defaultFeatureLayer: string;
  /** What the weights were trained on, stated plainly. */
  provenance: string;
}

const NSFWJS = 'the npm package nsfwjs 4.4.0 (MIT, Infinite Red)';

export const BUILTIN_BASE_INFO: Readonly<Record<BuiltinBaseId, BuiltinBaseInfo>> = {
  mobilenet_v2: {
    title: 'MobileNetV2 (α=1.0, 224×224, ImageNet-initialized)',
    inputSize: [224, 224],
    params: 2_619_461,
    defaultFeatureLayer: 'out_relu',
    provenance: `Keras MobileNetV2, ImageNet-initialized, then trained by ${NSFWJS} for its own five-class image classifier; weights stored as 8-bit values.`,
  },
  inception_v3: {
    title: 'InceptionV3 (299×299)',
    inputSize: [299, 299],
    params: 22_360_869,
    defaultFeatureLayer: 'mixed10',
    provenance: `Keras InceptionV3, trained by ${NSFWJS} for its own five-class image classifier (not an ImageNet classifier); weights stored as 8-bit values.`,
  },
};

/** One line for the picker and `transfer-studio layers`: input, parameters, size on disk, provenance. */
export function builtinBaseDetail(id: BuiltinBaseId, bytesOnDisk?: number): string {
  const info = BUILTIN_BASE_INFO[id];
  const size = bytesOnDisk === undefined ? '' : `, ${(bytesOnDisk / 1024 ** 2).toFixed(1)} MB on disk`;
  return `${info.inputSize.join('×')} RGB, ${(info.params / 1e6).toFixed(1)} M parameters${size}. ${info.provenance}`;
}
