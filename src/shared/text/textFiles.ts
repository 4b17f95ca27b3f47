// Which paths hold text data: shared by the CLI (to route a command) and the trainer (to read the data).

/** Extensions of one-example files and of tables of examples. */
export const TEXT_FILE_EXTENSIONS: readonly string[] = ['.txt', '.md'];
export const TEXT_TABLE_EXTENSIONS: readonly string[] = ['.csv', '.tsv', '.jsonl'];

/** The file that marks a run folder as a text run. */
export const TEXT_MODEL_FILE = 'text-model.json';

/** The extension of a path, lowercased, with its dot ("" when none). */
export function extensionOf(p: string): string {
  const m = /\.[^./\\]+$/.exec(p);
  return m ? m[0].toLowerCase() : '';
}

/** The file in a text run folder that records how it trained and how it scored (TextRunResult and its data). */
export const TEXT_RUN_FILE = 'text-run.json';

/** The built-in GloVe-100 word vectors' file under the package's dist/text. */
export const WORD_VECTORS_FILE = 'glove-100d.bin';
