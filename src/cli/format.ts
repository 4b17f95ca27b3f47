// Plain-text tables for the CLI's human output.
import type { BaseDescription, DatasetScan, Evaluation, RunResult } from '../shared/engineTypes';
import { pct } from './progressView';

export function table(header: string[], rows: (string | number)[][]): string {
  const cells = [header, ...rows.map((r) => r.map(String))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(cells[0]), widths.map((w) => '─'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

export function formatLayers(base: BaseDescription): string {
  const rows = base.layers.map((l) => [l.name, l.className, `[${l.outputShape.map((d) => d ?? '?').join(',')}]`, l.trainableParams, l.nonTrainableParams]);
  return `${base.title} — ${base.layers.length} layers, ${base.totalParams.toLocaleString('en-US')} parameters, input ${base.preprocessing.size.join('×')}×${base.preprocessing.channels}, default feature layer ${base.defaultFeatureLayer}\n`
    + table(['layer', 'class', 'output', 'trainable', 'frozen'], rows)
    + (base.credit ? `\n${base.credit}` : '');
}

export function formatScan(scan: DatasetScan): string {
  const parts = [table(['class', 'images'], scan.classes.map((c) => [c.name, c.files.length]))];
  if (scan.skipped.length) parts.push(`\nSkipped ${scan.skipped.length} file(s):\n${scan.skipped.map((s) => `  ${s.path}: ${s.reason}`).join('\n')}`);
  if (scan.warnings.length) parts.push(`\n${scan.warnings.map((w) => `warning: ${w}`).join('\n')}`);
  return parts.join('\n');
}

export function formatEvaluation(e: Evaluation, title = 'Evaluation'): string {
  const rows = e.perClass.map((c) => [c.name, pct(c.precision), pct(c.recall), pct(c.f1), c.support]);
  const confusion = table(['actual \\ predicted', ...e.classes], e.classes.map((c, i) => [c, ...e.confusion[i]]));
  return `${title}: accuracy ${pct(e.accuracy)} on ${e.count} images\n${table(['class', 'precision', 'recall', 'f1', 'support'], rows)}\n\n${confusion}`
    + (e.misclassified.length ? `\n\nMisclassified (${e.misclassified.length}), most confident first:\n${e.misclassified.slice(0, 10).map((m) => `  ${m.path}: ${m.actual} → ${m.predicted} (${pct(m.confidence)})`).join('\n')}` : '');
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
    lines.push('', formatEvaluation(t.evaluation, `Transfer (${t.evaluatedOn} split)`));
    if (r.scratch) {
      lines.push('', table(['model', `${t.evaluatedOn} accuracy`, 'train time'], [
        ['transfer', pct(t.evaluation.accuracy), `${t.trainSeconds.toFixed(1)} s`],
        ['from scratch', pct(r.scratch.evaluation.accuracy), `${r.scratch.trainSeconds.toFixed(1)} s`],
      ]));
    }
  }
  return lines.join('\n');
}
