// Shows trainer progress: a one-line bar on a terminal, one JSON object per line for machines, or
// nothing but the final result when output is piped without --json.
import type { ProgressEvent } from '../shared/engineTypes';
import { epochLabel, epochLine } from '../shared/epochLine';

export type OutputMode = 'tty' | 'json' | 'plain';

/**
 * json when asked; a redrawn progress line only on a terminal that can take escape codes: not when
 * piped, not with TERM=dumb, not with NO_COLOR set (https://no-color.org: any non-empty value).
 */
export function outputMode(
  json: boolean,
  isTTY = !!process.stderr.isTTY,
  env: NodeJS.ProcessEnv = process.env,
): OutputMode {
  if (json) return 'json';
  const plainTerminal = env.TERM === 'dumb' || (env.NO_COLOR !== undefined && env.NO_COLOR !== '');
  return isTTY && !plainTerminal ? 'tty' : 'plain';
}

export class ProgressView {
  private lineOpen = false;

  constructor(private readonly mode: OutputMode) {}

  event(e: ProgressEvent): void {
    if (this.mode === 'json') return this.json({ type: 'progress', ...e });
    if (e.kind === 'batch' && this.mode === 'tty') {
      const width = 24;
      const filled = Math.round((e.batch / e.batches) * width);
      this.overwrite(
        `${epochLabel(e.model, e.phase, e.epoch, e.epochs, e.untilPlateau)} [${'█'.repeat(filled)}${'░'.repeat(width - filled)}] loss ${e.loss.toFixed(4)} acc ${(e.accuracy * 100).toFixed(1)}% ${e.imagesPerSec.toFixed(1)} img/s ETA ${formatSeconds(e.etaSeconds)}`,
      );
    } else if (e.kind === 'stage' && e.stage === 'caching-features' && this.mode === 'tty' && e.total) {
      this.overwrite(`caching features ${e.done ?? 0}/${e.total}`);
    } else if (e.kind === 'epoch') {
      this.line(epochLine(e));
    } else if (e.kind === 'log') {
      this.line(`${e.level === 'warn' ? 'warning: ' : ''}${e.message}`);
    } else if (e.kind === 'stage' && e.stage !== 'caching-features' && e.stage !== 'evaluating') {
      this.line(`${e.stage}${e.message ? `: ${e.message}` : ''}`);
    }
  }

  /** Final results: JSON on stdout in json mode, else the given text. */
  result(value: unknown, text: string): void {
    this.close();
    if (this.mode === 'json') this.json({ type: 'result', result: value });
    else process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  }

  /** One record of a stream of results (a prediction per image): a JSON line of that type, or a text line. */
  item(type: string, value: object, text: string): void {
    this.close();
    if (this.mode === 'json') this.json({ type, ...value });
    else process.stdout.write(`${text}\n`);
  }

  error(message: string): void {
    this.close();
    if (this.mode === 'json') this.json({ type: 'error', message });
    else process.stderr.write(`transfer-studio: ${message}\n`);
  }

  private json(value: object): void {
    process.stdout.write(`${JSON.stringify(value)}\n`);
  }

  private overwrite(text: string): void {
    process.stderr.write(`\r\x1b[2K${text}`);
    this.lineOpen = true;
  }

  private line(text: string): void {
    this.close();
    process.stderr.write(`${text}\n`);
  }

  private close(): void {
    if (this.lineOpen) process.stderr.write('\r\x1b[2K');
    this.lineOpen = false;
  }
}

export { percent as pct } from '../shared/epochLine';

export function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return '—';
  const m = Math.floor(s / 60);
  return m > 0 ? `${m}m${String(Math.round(s % 60)).padStart(2, '0')}s` : `${Math.round(s)}s`;
}
