// Plain-text tables for the CLI's human output.
import { backendLine } from '../shared/backendLine';
import type { BackendInfo, BaseDescription, DatasetScan, EmbedResult, RunResult } from '../shared/engineTypes';
import type { Evaluation, Trial } from '../shared/evaluationTypes';
import type { ProbeResult } from '../shared/probeRules';
import { recallSummary } from '../shared/resultSummary';
import { pct } from './progressView';

/** Widest line of a table on stdout: the narrowest terminals people keep, and wide enough for our columns. */
export const TABLE_WIDTH = 100;

// A column is right-aligned when all its cells are numbers ("88.9%", "30.0 s", "1,370") or dashes.
const NUMERIC = /^(?:[-+]?[\d.,]+(?:\s?[%a-zA-Z×]+)?(?:\s±\s[\d.,]+%?)?|[–—-]|)$/;

/** Words of `text` in lines of at most `width` characters; a longer word is cut. */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (let word of text.split(/\s+/).filter(Boolean)) {
    while (word.length > width) {
      if (line) lines.push(line);
      lines.push(word.slice(0, width));
      word = word.slice(width);
      line = '';
    }
    if (!line) line = word;
    else if (line.length + 1 + word.length <= width) line += ` ${word}`;
    else {
      lines.push(line);
      line = word;
    }
  }
  return [...lines, line];
}

/**
 * A plain-text table at most `maxWidth` wide: the widest text column wraps onto more lines when the
 * rows would be wider. Numbers are right-aligned, text left-aligned.
 */
export function table(header: string[], rows: (string | number)[][], maxWidth = TABLE_WIDTH): string {
  const body = rows.map((r) => header.map((_, i) => String(r[i] ?? '')));
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i].length)));
  const right = header.map((_, i) => body.length > 0 && body.every((r) => NUMERIC.test(r[i])));
  const total = () => widths.reduce((a, b) => a + b, 0) + 2 * (widths.length - 1);
  for (let tries = 0; total() > maxWidth && tries < widths.length; tries++) {
    const text = widths.map((w, i) => (right[i] ? -1 : w));
    const widest = text.indexOf(Math.max(...text));
    if (widest < 0 || text[widest] < 0) break;
    widths[widest] = Math.max(header[widest].length, 12, widths[widest] - (total() - maxWidth));
  }
  const cell = (c: string, i: number) => (right[i] ? c.padStart(widths[i]) : c.padEnd(widths[i]));
  const lines = (r: string[]) => {
    const parts = r.map((c, i) => (right[i] ? [c] : wrap(c, widths[i])));
    const height = Math.max(...parts.map((p) => p.length));
    return Array.from({ length: height }, (_, k) =>
      parts
        .map((p, i) => cell(p[k] ?? '', i))
        .join('  ')
        .trimEnd(),
    );
  };
  return [...lines(header), widths.map((w) => '─'.repeat(w)).join('  '), ...body.flatMap(lines)].join('\n');
}

/** The one line about what runs (src/shared/backendLine.ts); --verbose (and run.json) keep the whole detail. */
export function whatRuns(b: BackendInfo, verbose = false): string {
  return verbose ? `Backend: ${b.detail}` : backendLine(b);
}

export function formatLayers(base: BaseDescription): string {
  const rows = base.layers.map((l) => [
    l.name,
    l.className,
    `[${l.outputShape.map((d) => d ?? '?').join(',')}]`,
    l.trainableParams,
    l.nonTrainableParams,
  ]);
  return (
    `${base.title} — ${base.layers.length} layers, ${base.totalParams.toLocaleString('en-US')} parameters, input ${base.preprocessing.size.join('×')}×${base.preprocessing.channels}, default feature layer ${base.defaultFeatureLayer}\n` +
    table(['layer', 'class', 'output', 'trainable', 'frozen'], rows) +
    (base.credit ? `\n${base.credit}` : '')
  );
}

export function formatScan(scan: DatasetScan): string {
  const parts = [
    table(
      ['class', 'images'],
      scan.classes.map((c) => [c.name, c.files.length]),
    ),
  ];
  if (scan.skipped.length)
    parts.push(
      `\nSkipped ${scan.skipped.length} file(s):\n${scan.skipped.map((s) => `  ${s.path}: ${s.reason}`).join('\n')}`,
    );
  if (scan.warnings.length) parts.push(`\n${scan.warnings.map((w) => `warning: ${w}`).join('\n')}`);
  return parts.join('\n');
}

export function formatEvaluation(e: Evaluation, title = 'Evaluation'): string {
  const rows = e.perClass.map((c) => [c.name, pct(c.precision), pct(c.recall), pct(c.f1), c.support]);
  const confusion = table(
    ['actual \\ predicted', ...e.classes],
    e.classes.map((c, i) => [c, ...e.confusion[i]]),
  );
  return (
    `${title}: accuracy ${pct(e.accuracy)} on ${e.count} images\n${recallSummary(e)}\n${table(['class', 'precision', 'recall', 'f1', 'support'], rows)}\n\n${confusion}` +
    (e.misclassified.length
      ? `\n\nMisclassified (${e.misclassified.length}), most confident first:\n${e.misclassified
          .slice(0, 10)
          .map((m) => `  ${m.path}: ${m.actual} → ${m.predicted} (${pct(m.confidence)})`)
          .join('\n')}`
      : '')
  );
}

export function formatRun(r: RunResult, verbose = false): string {
  const t = r.transfer;
  const lines = [
    r.cancelled ? `Cancelled. Last checkpoint: ${r.runDir}/checkpoint` : `Run saved to ${r.runDir}`,
    whatRuns(r.backend, verbose),
    `Split: ${r.split.train} train / ${r.split.validation} validation / ${r.split.test} test · trainable parameters ${t.trainableParams.toLocaleString('en-US')}, frozen ${t.frozenParams.toLocaleString('en-US')}`,
  ];
  if (r.featureCache) lines.push(`Feature cache: ${r.featureCache.hits} hits, ${r.featureCache.misses} computed`);
  if (r.skipped.length) lines.push(`Skipped ${r.skipped.length} file(s) (see skipped.json)`);
  if (!r.cancelled) {
    // A pixel baseline can win the automatic flow: the summary names the model that was kept.
    const kept = r.trials?.find((x) => x.outcome === 'kept');
    const title = kept?.kind && kept.kind !== 'transfer' ? `${kept.name}, without transfer` : 'Transfer';
    lines.push('', formatEvaluation(t.evaluation, `${title} (${t.evaluatedOn} split)`));
    if (r.evaluationNote) lines.push('', `note: ${r.evaluationNote}`);
    if (r.trials) lines.push('', formatTrials(r.trials));
    const compared = r.baselines ?? (r.scratch ? [{ name: 'from scratch', result: r.scratch }] : []);
    if (compared.length) {
      lines.push(
        '',
        table(
          ['model', `${t.evaluatedOn} accuracy`, 'train time'],
          [
            ['transfer', pct(t.evaluation.accuracy), `${t.trainSeconds.toFixed(1)} s`],
            ...compared.map((b) => [
              b.name,
              pct(b.result.evaluation.accuracy),
              `${b.result.trainSeconds.toFixed(1)} s`,
            ]),
          ],
        ),
      );
      const best = compared.reduce((a, b) => (b.result.evaluation.accuracy > a.result.evaluation.accuracy ? b : a));
      lines.push(
        best.result.evaluation.accuracy > t.evaluation.accuracy
          ? `Transfer loses: ${best.name} from scratch scores higher in the same time.`
          : 'Transfer wins.',
      );
    }
  }
  return lines.join('\n');
}

/** What the automatic flow tried: one row per trial, scored on validation. */
export function formatTrials(trials: readonly Trial[]): string {
  const rows = trials.map((t) => [
    t.name,
    t.outcome,
    t.epochs,
    t.valAccuracy === undefined ? '–' : pct(t.valAccuracy),
    t.valLoss === undefined ? '–' : t.valLoss.toFixed(3),
    // A trial that ran beside the estimate it was started on (the second phase's), so they can be compared.
    `${t.seconds.toFixed(1)} s${t.estimateSeconds !== undefined && t.epochs > 0 ? ` (est. ${t.estimateSeconds.toFixed(0)})` : ''}`,
    t.budgetLeft === undefined ? '–' : `${t.budgetLeft.toFixed(0)} s`,
    t.reason,
  ]);
  return `Automatic flow (chosen on validation):\n${table(['trial', 'outcome', 'epochs', 'val acc', 'val loss', 'time used', 'left', 'why'], rows)}`;
}

/** Milliseconds with two significant digits below 10 (a text's features take hundredths of one). */
const milliseconds = (s: number) => (s >= 0.01 ? (s * 1000).toFixed(0) : (s * 1000).toPrecision(2));

/** What `embed` wrote, and how its light classifier did on the held-out `noun` (images, texts). */
export function formatEmbed(r: EmbedResult, noun: string): string {
  const c = r.classifier;
  return (
    `${r.count} embeddings of layer ${r.layer} (${r.dims} values each)\n  ${r.csvPath}\n  ${r.npyPath}` +
    (c ? `\n${c.kind} classifier on the embeddings: ${pct(c.accuracy)} on ${c.evaluatedOn} held-out ${noun}` : '')
  );
}

export function formatProbe(r: ProbeResult): string {
  const noun = r.noun ?? 'images';
  const rows = r.rows.map((b) =>
    b.error
      ? [b.base, 'failed', '', '', '', '', b.error]
      : [
          b.base,
          pct(b.accuracy),
          `${pct(b.interval[0])}–${pct(b.interval[1])}`,
          b.validationImages,
          `${milliseconds(b.secondsPerImage)} ms`,
          `${(b.params / 1e6).toFixed(2)} M`,
          `${(b.bytes / 2 ** 20).toFixed(1)} MiB`,
        ],
  );
  const cuts = r.rows.filter((b) => !b.error).map((b) => `${b.base} at ${b.featureLayer}`);
  return (
    `Linear probe on ${r.split.train} training ${noun}, every base scored on the same ${r.split.validation} ` +
    `validation ${noun} (95% Wilson intervals)\n` +
    table(['base', 'val acc', '95% interval', 'n', `per ${noun.replace(/s$/, '')}`, 'params', 'size'], rows) +
    (cuts.length && !r.noun ? `\nCut: ${cuts.join(', ')}` : '') +
    `\n${r.recommended ? `Recommended: ${r.recommended}: ` : ''}${r.reason}.`
  );
}
