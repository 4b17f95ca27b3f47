// Diagnostics of a recipe on text data: the table's header against the columns the `text` section names (or
// the usual names the engine falls back to), a text section on images, and fields a text run does not read.
import { DiagnosticSeverity } from 'vscode-languageserver';
import { keySpanAt, spanAt, type FieldPath } from '../recipe/recipeSyntax';
import { closestName } from '../shared/nameDistance';
import { LABEL_COLUMN_NAMES, TEXT_COLUMN_NAMES } from '../shared/text/textColumnNames';
import { extensionOf } from '../shared/text/textFiles';
import { TEXT_OPTION_MODELS, TEXT_RUN_FIELDS } from '../shared/text/textRecipe';
import type { Add } from './diagnostics';
import { encoderDiagnostics } from './encoderDiagnostics';
import type { RecipeAnalysis } from './recipeAnalysis';

export function textDiagnostics(a: RecipeAnalysis, add: Add): void {
  const d = a.data;
  const text = a.parsed.value.text;
  if (!d || d.kind === 'missing' || d.kind === 'notFolder') return;
  if (d.kind === 'ok' && d.unit === 'image') {
    if (text)
      add(
        keySpanAt(a.parsed, ['text']),
        `${d.folder} holds images: the text section applies to text data and is ignored.`,
        'text',
        DiagnosticSeverity.Warning,
      );
    return;
  }
  unreadFields(a, add);
  unreadOptions(a, add);
  encoderDiagnostics(a, add);
  if (d.kind === 'ok') {
    for (const key of ['column', 'labelColumn'] as const)
      if (text?.[key] !== undefined)
        add(
          spanAt(a.parsed, ['text', key]),
          `${d.folder} is a folder of text classes: its subfolders are the labels, so no column applies.`,
          'text-column',
          DiagnosticSeverity.Warning,
        );
    return;
  }
  const span = spanAt(a.parsed, ['data']);
  if (d.columns.length < 2)
    return add(
      span,
      `${d.folder}: no header with two or more columns in its first line; name the columns in it.`,
      'data',
    );
  const columns = d.columns.join(', ');
  // A CSV's header is matched whatever its case; a JSONL row's keys are JSON keys, and without a name the
  // engine reads "text" and "label" there (src/trainer/data/text/textTable.ts).
  const jsonl = extensionOf(d.folder) === '.jsonl';
  const has = (name: string) => d.columns.some((c) => (jsonl ? c === name : c.toLowerCase() === name.toLowerCase()));
  const check = (key: 'column' | 'labelColumn', usualNames: readonly string[], what: string) => {
    const named = text?.[key];
    const path: FieldPath = ['text', key];
    const usual = jsonl ? [what] : usualNames;
    if (named === undefined) {
      if (!usual.some(has))
        add(
          span,
          `No column of the table is named ${usual.join('/')}: say which holds the ${what} in text.${key} (columns: ${columns}).`,
          'text-column',
          DiagnosticSeverity.Warning,
        );
      return;
    }
    // The engine takes a 1-based position too, and matches names whatever their case.
    const position = !jsonl && /^\d+$/.test(named);
    if (position ? Number(named) <= d.columns.length : has(named)) return;
    const suggestion = position ? undefined : closestName(named, d.columns);
    add(
      spanAt(a.parsed, path),
      `The table has no column "${named}"${suggestion ? `; did you mean "${suggestion}"?` : '.'} (columns: ${columns})`,
      'text-column',
      DiagnosticSeverity.Error,
      suggestion,
    );
  };
  check('column', TEXT_COLUMN_NAMES, 'text');
  check('labelColumn', LABEL_COLUMN_NAMES, 'label');
  if (text?.column && text.column.toLowerCase() === text.labelColumn?.toLowerCase())
    add(spanAt(a.parsed, ['text', 'labelColumn']), 'The label column must differ from the text column.', 'text-column');
}

/** Fields set in the recipe that a text run does not read (base, freeze, epochs…): said, not silently dropped. */
function unreadFields(a: RecipeAnalysis, add: Add): void {
  for (const key of Object.keys(a.parsed.value)) {
    if ((TEXT_RUN_FIELDS as readonly string[]).includes(key)) continue;
    add(
      keySpanAt(a.parsed, [key]),
      `"${key}" does not apply to text data (frozen word vectors and lexical features with a head); it is ignored.`,
      'text-unread',
      DiagnosticSeverity.Warning,
    );
  }
}

/** text.pooling and text.vocabularySize where the chosen model (or the encoder) does not read them. */
function unreadOptions(a: RecipeAnalysis, add: Add): void {
  const text = a.parsed.value.text;
  if (!text) return;
  const model = text.model ?? 'auto';
  for (const [key, models] of Object.entries(TEXT_OPTION_MODELS)) {
    if (text[key as keyof typeof TEXT_OPTION_MODELS] === undefined) continue;
    const reason = text.encoder
      ? 'a run on text.encoder fits a head on its vectors'
      : (models as readonly string[]).includes(model)
        ? undefined
        : `it applies to ${models.filter((m) => m !== 'auto').join(' and ')}, not to ${model}`;
    if (reason)
      add(
        keySpanAt(a.parsed, ['text', key]),
        `text.${key} is ignored: ${reason}.`,
        'text-unread',
        DiagnosticSeverity.Warning,
      );
  }
}
