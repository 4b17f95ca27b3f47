// Small measuring helpers for the benchmark: wall time, and the figure/baseline rows it prints.

export interface Figure {
  name: string;
  ours: number;
  baseline: number;
  unit: string;
  /** ours/baseline or baseline/ours, whichever reads as "times better". */
  ratio: number;
  goal?: number;
  note?: string;
}

export async function timed<T>(fn: () => Promise<T> | T): Promise<{ value: T; seconds: number }> {
  const t0 = performance.now();
  const value = await fn();
  return { value, seconds: (performance.now() - t0) / 1000 };
}

/** A figure where smaller is better (seconds): ratio = baseline / ours. */
export function faster(name: string, ours: number, baseline: number, goal?: number, note?: string): Figure {
  return { name, ours, baseline, unit: 's', ratio: baseline / ours, goal, note };
}

/** A figure where larger is better (throughput): ratio = ours / baseline. */
export function higher(
  name: string,
  ours: number,
  baseline: number,
  unit: string,
  goal?: number,
  note?: string,
): Figure {
  return { name, ours, baseline, unit, ratio: ours / baseline, goal, note };
}

export function formatFigures(figures: Figure[]): string {
  const rows = figures.map((f) => [
    f.name,
    `${round(f.ours)} ${f.unit}`,
    `${round(f.baseline)} ${f.unit}`,
    Number.isNaN(f.ratio) ? '—' : `${f.ratio.toFixed(2)}×`,
    f.goal === undefined || Number.isNaN(f.ratio) ? '' : `${f.ratio >= f.goal ? 'met' : 'NOT met'} (≥ ${f.goal}×)`,
    f.note ?? '',
  ]);
  const header = ['figure', 'ours', 'baseline', 'ratio', 'goal', 'note'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

function round(x: number): string {
  if (Number.isNaN(x)) return '—';
  return Math.abs(x) >= 100 ? x.toFixed(0) : Math.abs(x) >= 1 ? x.toFixed(2) : x.toPrecision(3);
}
