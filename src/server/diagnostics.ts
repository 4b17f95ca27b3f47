// The problems of a recipe as editor diagnostics, each on the exact span it is about: YAML and field
// errors from the reader (the value checks the engine makes too, src/shared/recipeChecks.ts), then what only
// the disk and the base can tell (unknown base, unknown layers, a frozen set the cut contradicts, missing or
// thin class folders, an input size the base cannot take).
import { Diagnostic, DiagnosticSeverity } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { keySpanAt, spanAt, type FieldPath, type ParsedRecipe } from '../recipe/recipeSyntax';
import type { BaseDescription } from '../shared/engineTypes';
import { expandFrozenEntry, parseFrozenEntry } from '../shared/freezePlan';
import { closestName } from '../shared/nameDistance';
import { plural } from '../shared/plural';
import type { RecipeAnalysis } from './recipeAnalysis';
import { textDiagnostics } from './textDiagnostics';

/** What a quick fix needs: the text that replaces the diagnostic's range. */
export interface FixData {
  replacement: string;
}

export const SOURCE = 'transfer-studio';

export function recipeDiagnostics(doc: TextDocument, a: RecipeAnalysis): Diagnostic[] {
  const out: Diagnostic[] = [];
  const add = (
    span: [number, number] | undefined,
    message: string,
    code: string,
    severity: DiagnosticSeverity = DiagnosticSeverity.Error,
    replacement?: string,
  ) => {
    const [start, end] = span ?? [0, 0];
    out.push({
      range: { start: doc.positionAt(start), end: doc.positionAt(end) },
      message,
      code,
      severity,
      source: SOURCE,
      ...(replacement !== undefined ? { data: { replacement } satisfies FixData } : {}),
    });
  };
  for (const p of a.parsed.problems) {
    add(
      [p.start, p.end],
      p.message,
      p.path ? 'field' : 'yaml',
      p.severity === 'error' ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning,
      p.suggestion,
    );
  }
  dataDiagnostics(a, add);
  textDiagnostics(a, add);
  const at = (path: FieldPath) => spanAt(a.parsed, path);
  if (a.base?.kind === 'error')
    add(at(['base']) ?? [0, 0], a.base.message, 'base', DiagnosticSeverity.Error, a.base.suggestion);
  if (a.base?.kind === 'notDownloaded') add(at(['base']), a.base.message, 'base', DiagnosticSeverity.Information);
  if (a.base?.kind === 'ok') layerDiagnostics(a.parsed, a.base.base, add);
  return out;
}

export type Add = (
  span: [number, number] | undefined,
  message: string,
  code: string,
  severity?: DiagnosticSeverity,
  replacement?: string,
) => void;

function dataDiagnostics(a: RecipeAnalysis, add: Add): void {
  const span = spanAt(a.parsed, ['data']);
  const d = a.data;
  if (!d) {
    // Only a parsed mapping can lack the field; a YAML error already says what is wrong.
    if (a.parsed.doc && !a.parsed.problems.length && a.parsed.value.data === undefined) {
      add(
        [0, 0],
        'No "data" field: the recipe names no dataset folder, so training needs one given separately.',
        'data',
        DiagnosticSeverity.Warning,
      );
    }
    return;
  }
  if (d.kind === 'missing')
    return add(
      span,
      `Data not found: ${d.folder}. Point "data" (relative to this recipe) to a folder with one subfolder per class, or to a .csv/.tsv/.jsonl table of texts.`,
      'data',
    );
  if (d.kind === 'notFolder')
    return add(
      span,
      `${d.folder} is a file; "data" must be a folder with one subfolder per class, or a .csv/.tsv/.jsonl table of texts.`,
      'data',
    );
  if (d.kind === 'table') return;
  const unit = d.unit;
  if (d.classes.length === 0)
    return add(span, `No class folders in ${d.folder}: put the ${unit}s in one subfolder per class.`, 'data');
  for (const c of d.classes) {
    if (c.examples === 0)
      add(
        span,
        `Class folder "${c.name}" is empty: it is left out of training.`,
        'data-class',
        DiagnosticSeverity.Warning,
      );
    else if (c.examples < a.minPerClass)
      add(
        span,
        `Class folder "${c.name}" has ${plural(c.examples, unit)}; the split needs at least ${a.minPerClass} per class.`,
        'data-class',
      );
  }
  const usable = d.classes.filter((c) => c.examples > 0).length;
  if (usable < 2)
    add(
      span,
      `Only ${usable} class folder${usable === 1 ? ' has' : 's have'} ${unit}s; a classifier needs at least two.`,
      'data',
    );
}

function layerDiagnostics(parsed: ParsedRecipe, base: BaseDescription, add: Add): void {
  const r = parsed.value;
  const names = base.layers.map((l) => l.name);
  const at = (path: FieldPath) => spanAt(parsed, path);
  const featureLayer = r.freeze?.featureLayer ?? base.defaultFeatureLayer;
  let cut = names.indexOf(featureLayer);
  const unknown = (
    path: FieldPath,
    name: string,
    role: string,
    suggestion: string | undefined,
    replacement: (s: string) => string,
  ) => {
    add(
      at(path),
      `${base.title} has no layer "${name}"${suggestion ? `; did you mean "${suggestion}"?` : '.'} (${role})`,
      'unknown-layer',
      DiagnosticSeverity.Error,
      suggestion ? replacement(suggestion) : undefined,
    );
  };
  if (cut < 0) {
    unknown(['freeze', 'featureLayer'], featureLayer, 'feature layer', closestName(featureLayer, names), (s) => s);
    cut = names.length - 1; // judge the rest against the whole base
  }
  const beyond = (path: FieldPath, what: string) =>
    add(
      at(path),
      `${what} comes after the feature layer "${names[cut]}": the cut removes it, so this contradicts the feature layer.`,
      'after-cut',
    );
  const entries: [FieldPath, string][] = [
    ...(r.freeze?.freezeUpTo !== undefined
      ? [[['freeze', 'freezeUpTo'], `up to ${r.freeze.freezeUpTo}`] as [FieldPath, string]]
      : []),
    ...(r.freeze?.frozen ?? []).map((e, i): [FieldPath, string] => [['freeze', 'frozen', i], e]),
  ];
  for (const [path, entry] of entries) {
    const { problem } = expandFrozenEntry(names, cut, entry);
    const isUpToField = path[1] === 'freezeUpTo';
    if (problem?.kind === 'unknown') {
      const upTo = parseFrozenEntry(entry).kind === 'upTo' && !isUpToField;
      unknown(path, problem.layer, isUpToField ? 'freeze up to' : 'frozen layer', problem.suggestion, (s) =>
        upTo ? `up to ${s}` : s,
      );
    } else if (problem?.kind === 'afterCut') {
      beyond(
        path,
        parseFrozenEntry(entry).kind === 'glob' ? `Every layer matching "${entry}"` : `The layer "${problem.layer}"`,
      );
    } else if (problem?.kind === 'noMatch') {
      add(at(path), `The pattern "${entry}" matches no layer of ${base.title}.`, 'unknown-layer');
    }
  }
  const from = typeof r.secondPhase === 'object' ? r.secondPhase.unfreezeFrom : undefined;
  if (from !== undefined) {
    const { problem } = expandFrozenEntry(names, cut, from);
    if (problem?.kind === 'unknown')
      unknown(['secondPhase', 'unfreezeFrom'], from, 'second phase', problem.suggestion, (s) => s);
    else if (problem?.kind === 'afterCut' || problem?.kind === 'noMatch')
      beyond(['secondPhase', 'unfreezeFrom'], `The second phase's layer "${from}"`);
  }
  inputDiagnostics(parsed, base, add);
}

/**
 * In transfer mode the engine feeds the base what it takes (src/trainer/models/baseModel.ts): a different size or
 * channel count in the recipe cannot apply.
 */
function inputDiagnostics(parsed: ParsedRecipe, base: BaseDescription, add: Add): void {
  const r = parsed.value;
  const [h, w] = base.preprocessing.size;
  const c = base.preprocessing.channels;
  if (r.inputSize && (r.inputSize[0] !== h || r.inputSize[1] !== w)) {
    add(
      spanAt(parsed, ['inputSize']),
      `${base.title} takes ${h}×${w} images; inputSize [${r.inputSize.join(', ')}] cannot apply, images are resized to ${h}×${w}. Remove inputSize (it is for mode "source").`,
      'input-size',
      DiagnosticSeverity.Warning,
    );
  }
  if (r.inputChannels !== undefined && r.inputChannels !== c) {
    add(
      spanAt(parsed, ['inputChannels']) ?? keySpanAt(parsed, ['inputChannels']),
      `${base.title} takes ${c}-channel images; inputChannels ${r.inputChannels} cannot apply, images are converted to ${c} channels.`,
      'input-size',
      DiagnosticSeverity.Warning,
    );
  }
}
