// How every CLI command speaks (results on stdout, everything else on stderr):
// - `say(line)`: one line of the command's own (what runs, a heading); always shown, never in --json.
// - progress events from the trainer: on a terminal one live line for the phase under way, redrawn in place
//   (\r), and one line when a phase ends; piped, only the line of each ended phase; with --json, each event
//   as a JSON line on stdout. Warnings always show; info logs and every epoch only with --verbose.
// - `result`, `item`, `error`: the answer, as text or as one JSON line.
// New commands use these four and nothing else, so `--json`, `--verbose` and piping behave the same everywhere.
import type { ProgressEvent } from '../shared/engineTypes';
import { epochLabel, epochLine, percent } from '../shared/epochLine';
import { PhaseTracker } from './phases';

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

/** Where the view writes; process.stdout/stderr by default, something else in tests. */
export interface ViewStreams {
  out: (s: string) => void;
  err: (s: string) => void;
  now: () => number;
  /** Terminal width for the live line (it must never wrap, or \r cannot redraw it). */
  columns?: number;
}

const PROCESS_STREAMS: ViewStreams = {
  out: (s) => void process.stdout.write(s),
  err: (s) => void process.stderr.write(s),
  now: () => Date.now(),
  columns: process.stderr.columns,
};

export class ProgressView {
  private lineOpen = false;
  private readonly phases = new PhaseTracker();

  constructor(
    private readonly mode: OutputMode,
    private readonly verbose = false,
    private readonly io: ViewStreams = PROCESS_STREAMS,
  ) {}

  /** A line of the command's own on stderr (not in --json, where the result carries the facts). */
  say(text: string): void {
    if (this.mode !== 'json') this.line(text);
  }

  event(e: ProgressEvent): void {
    if (this.mode === 'json') return this.json({ type: 'progress', ...e });
    const ended = this.phases.event(e, this.io.now());
    if (ended) this.line(ended);
    if (e.kind === 'log') {
      if (e.level === 'warn') this.line(`warning: ${e.message}`);
      else if (this.verbose) this.line(e.message);
    } else if (e.kind === 'epoch' && this.verbose) {
      this.line(epochLine(e));
    } else if (this.mode === 'tty') {
      this.live(e);
    }
  }

  /** Final results: JSON on stdout in json mode, else the given text. */
  result(value: unknown, text: string): void {
    this.endPhase();
    if (this.mode === 'json') this.json({ type: 'result', result: value });
    else this.io.out(text.endsWith('\n') ? text : `${text}\n`);
  }

  /** One record of a stream of results (a prediction per image): a JSON line of that type, or a text line. */
  item(type: string, value: object, text: string): void {
    this.close();
    if (this.mode === 'json') this.json({ type, ...value });
    else this.io.out(`${text}\n`);
  }

  error(message: string): void {
    this.endPhase();
    if (this.mode === 'json') this.json({ type: 'error', message });
    else this.io.err(`transfer-studio: ${message}\n`);
  }

  private endPhase(): void {
    const ended = this.mode === 'json' ? undefined : this.phases.finish(this.io.now());
    if (ended) this.line(ended);
    this.close();
  }

  /** The phase under way, redrawn: its progress, or its last epoch and the batch under way. */
  private live(e: ProgressEvent): void {
    const p = this.phases.running;
    if (!p) return;
    let text = p.label;
    if (e.kind === 'batch') {
      const width = 20;
      const filled = Math.round((e.batch / e.batches) * width);
      const last = p.last ? ` · val acc ${percent(p.last.valAccuracy)}` : '';
      text = `${p.label}: ${epochLabel(e.model, e.phase, e.epoch, e.epochs, e.untilPlateau)} [${'█'.repeat(filled)}${'░'.repeat(width - filled)}] loss ${e.loss.toFixed(4)}${last} · ETA ${formatSeconds(e.etaSeconds)}`;
    } else if (e.kind === 'epoch') {
      text = `${p.label}: ${epochLine(e)}`;
    } else if (p.total) {
      text = `${p.label}: ${p.done ?? 0}/${p.total}`;
    }
    const columns = this.io.columns ?? 100;
    this.io.err(`\r\x1b[2K${text.length >= columns ? `${text.slice(0, columns - 2)}…` : text}`);
    this.lineOpen = true;
  }

  private json(value: object): void {
    this.io.out(`${JSON.stringify(value)}\n`);
  }

  private line(text: string): void {
    this.close();
    this.io.err(`${text}\n`);
  }

  private close(): void {
    if (this.lineOpen) this.io.err('\r\x1b[2K');
    this.lineOpen = false;
  }
}

export { percent as pct } from '../shared/epochLine';

export function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return '—';
  const m = Math.floor(s / 60);
  return m > 0 ? `${m}m${String(Math.round(s % 60)).padStart(2, '0')}s` : `${Math.round(s)}s`;
}
