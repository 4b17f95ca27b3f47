// Plain-text tables for the CLI's human output.
import type { BaseDescription, DatasetScan, Evaluation, RunResult, Trial } from '../shared/engineTypes';
import type { ProbeResult } from '../shared/probeRules';
import { recallSummary } from '../shared/resultSummary';
import { pct } from './progressView';

export function table(header: string[], rows: (string | number)[][]): string {
  const cells = [header, ...rows.map((r) => r.map(String))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(cells[0]), widths.map((w) => '─'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
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
    `${title}: accuracy ${pct(e.accuracy)} on ${e.count} images · ${recallSummary(e)}\n${table(['class', 'precision', 'recall', 'f1', 'support'], rows)}\n\n${confusion}` +
    (e.misclassified.length
      ? `\n\nMisclassified (${e.misclassified.length}), most confident first:\n${e.misclassified
          .slice(0, 10)
          .map((m) => `  ${m.path}: ${m.actual} → ${m.predicted} (${pct(m.confidence)})`)
          .join('\n')}`
      : '')
  );
}

export function formatRun(r: RunResult): string {
  const t = r.transfer;
  const lines = [
    r.cancelled ? `Cancelled. Last checkpoint: ${r.runDir}/checkpoint` : `Run saved to ${r.runDir}`,
    `Backend: ${r.backend.detail}`,
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
    `${t.seconds.toFixed(1)} s`,
    t.budgetLeft === undefined ? '–' : `${t.budgetLeft.toFixed(0)} s`,
    t.reason,
  ]);
  return `Automatic flow (chosen on validation):\n${table(['trial', 'outcome', 'epochs', 'val acc', 'val loss', 'time', 'left', 'why'], rows)}`;
}

export function formatProbe(r: ProbeResult): string {
  const rows = r.rows.map((b) =>
    b.error
      ? [b.base, 'failed', '', '', '', b.error]
      : [
          b.base,
          `${pct(b.accuracy)} ± ${pct(b.standardError)}`,
          b.featureLayer,
          `${(b.secondsPerImage * 1000).toFixed(0)} ms`,
          `${(b.params / 1e6).toFixed(2)} M`,
          `${(b.bytes / 2 ** 20).toFixed(1)} MiB`,
        ],
  );
  return (
    `Linear probe on ${r.split.train} training images, scored on ${r.split.validation} validation images (± one binomial standard error)\n` +
    table(['base', 'val accuracy', 'cut', 'per image', 'params', 'size'], rows) +
    `\n${r.recommended ? `Recommended: ${r.recommended}: ` : ''}${r.reason}.`
  );
}
