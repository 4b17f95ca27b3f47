// Exporting a finished run to a file other tools load: the request and its answer, shared by the trainer,
// the CLI, the extension host and the panel.

/** Formats a run exports to, in the order the UI offers them. */
export const EXPORT_FORMATS = ['onnx', 'keras', 'tfjs'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** What each format is, in the words of the format picker and the CLI help. */
export const EXPORT_FORMAT_TITLES: Readonly<Record<ExportFormat, string>> = {
  onnx: 'ONNX (.onnx, opset 17): onnxruntime, Android, C#, C++',
  keras: 'Keras 3 (.keras): Python, TensorFlow or PyTorch backend',
  tfjs: 'TensorFlow.js (model.json folder): browsers and Node',
};

/** Default file (or folder, for tfjs) name of each format inside the run folder. */
export const EXPORT_FILE_NAMES: Readonly<Record<ExportFormat, string>> = {
  onnx: 'model.onnx',
  keras: 'model.keras',
  tfjs: 'tfjs',
};

export function isExportFormat(value: unknown): value is ExportFormat {
  return typeof value === 'string' && (EXPORT_FORMATS as readonly string[]).includes(value);
}

export interface ExportRequest {
  runDir: string;
  format: ExportFormat;
  /** Destination file (folder for tfjs); default: EXPORT_FILE_NAMES[format] inside the run folder. */
  out?: string;
}

export interface ExportResult {
  format: ExportFormat;
  /** The exported model file (model.json for tfjs). */
  path: string;
  /** The class names, one a line, in the order of the model's output. */
  labelsPath: string;
  /** Text models: the tokenizer.json that turns texts into the model's input_ids. */
  tokenizerPath?: string;
  /** Lexical text models: the character tokenizer.json that gives the model's char_ids. */
  charTokenizerPath?: string;
  /** Fused text models: the word tokenizer.json of the lexical half's word_ids (input_ids are GloVe's). */
  wordTokenizerPath?: string;
  bytes: number;
  /** Input and output as the model declares them, for the user's message. */
  input: string;
  output: string;
}

/** `model.onnx` → `model.labels.txt` beside it (the class names of an exported file; path.extname's rule). */
export function labelsFileFor(modelFile: string): string {
  return fileBeside(modelFile, '.labels.txt');
}

/** `model.onnx` → `model<suffix>`: a file that goes with an exported model, named after it. */
export function fileBeside(modelFile: string, suffix: string): string {
  const extension = /(?<=[^/\\])\.[^./\\]*$/;
  return extension.test(modelFile) ? modelFile.replace(extension, suffix) : `${modelFile}${suffix}`;
}
