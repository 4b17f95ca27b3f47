// Turns the trainer's stream of progress events into phases (scanning, loading the base, caching features, each
// training of a head or a fine-tuning, evaluating, saving), so the CLI can show one live line while a phase runs
// and one line when it ends. Pure: the clock is passed in, nothing is printed here.
import type { ProgressEvent, RunModel } from '../shared/engineTypes';
import type { EpochMetrics } from '../shared/evaluationTypes';
import { percent } from '../shared/epochLine';
import { plural } from '../shared/plural';

type Stage = Extract<ProgressEvent, { kind: 'stage' }>['stage'];

interface Phase {
  /** A stage, or a training identified by model and phase (a new try restarts its epochs at 1). */
  key: string;
  label: string;
  started: number;
  /** The stage's last message ("90 to compute", a folder). */
  message?: string;
  done?: number;
  total?: number;
  epochs: EpochMetrics[];
}

const STAGE_LABELS: Record<Stage, string> = {
  scanning: 'scanned',
  'loading-base': 'loaded base',
  'caching-features': 'features',
  training: 'training',
  evaluating: 'evaluated',
  saving: 'saved',
};

/** What a training is called in the phase lines; without a base (a CNN from scratch) there is no head. */
export function trainingLabel(model: RunModel, phase: 1 | 2, onBase: boolean): string {
  if (model === 'scratch') return 'from scratch';
  if (phase === 2) return 'fine-tuning';
  return onBase ? 'head' : 'training';
}

/** Seconds as the phase lines show them: "0.4 s", "12 s", "3m05s". */
export function shortSeconds(s: number): string {
  if (s < 10) return `${s.toFixed(1)} s`;
  if (s < 60) return `${Math.round(s)} s`;
  return `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, '0')}s`;
}

function summary(p: Phase): string {
  if (p.epochs.length) {
    const n = p.epochs.length;
    const validated = p.epochs.filter((m) => Number.isFinite(m.valAccuracy));
    if (!validated.length) return `${plural(n, 'epoch')}, last accuracy ${percent(p.epochs[n - 1].accuracy)}`;
    const best = validated.reduce((a, b) => (b.valLoss < a.valLoss ? b : a));
    return `${plural(n, 'epoch')}, best at epoch ${best.epoch}: val acc ${percent(best.valAccuracy)}`;
  }
  // Nothing to compute (all cached): the message says so; a 0/0 would not.
  if (p.total) return `${p.done ?? p.total}/${p.total}${p.message ? ` (${p.message})` : ''}`;
  return p.message ?? '';
}

/** Follows the phases of one command; `event` returns the line of a phase that just ended, if one did. */
export class PhaseTracker {
  private current?: Phase;
  private onBase = false;

  /** The phase under way (for the live line), if any. */
  get running(): { label: string; done?: number; total?: number; last?: EpochMetrics } | undefined {
    const p = this.current;
    return p && { label: p.label, done: p.done, total: p.total, last: p.epochs[p.epochs.length - 1] };
  }

  event(e: ProgressEvent, now: number): string | undefined {
    if (e.kind === 'stage') {
      // The training stage only announces the epochs, which open their own phases.
      if (e.stage === 'training') return this.finish(now);
      if (e.stage === 'loading-base') this.onBase = true;
      const ended = this.current?.key === e.stage ? undefined : this.start(e.stage, STAGE_LABELS[e.stage], now);
      const p = this.current!;
      if (e.message) p.message = e.message;
      if (e.done !== undefined) p.done = e.done;
      if (e.total !== undefined) p.total = e.total;
      return ended;
    }
    if (e.kind === 'epoch' || e.kind === 'batch') {
      const phase = e.kind === 'epoch' ? e.metrics.phase : e.phase;
      const epoch = e.kind === 'epoch' ? e.metrics.epoch : e.epoch;
      const key = `${e.model}:${phase}`;
      const p = this.current;
      // A new training, or the same kind of training tried again (its epochs count from 1 again).
      const restarted = p?.key === key && p.epochs.length > 0 && epoch <= p.epochs[p.epochs.length - 1].epoch;
      let ended: string | undefined;
      if (p?.key !== key || restarted) ended = this.start(key, trainingLabel(e.model, phase, this.onBase), now);
      if (e.kind === 'epoch') this.current!.epochs.push(e.metrics);
      return ended;
    }
    return undefined;
  }

  /** Ends the phase under way (at a result, an error or the next phase); its line, if there was one. */
  finish(now: number): string | undefined {
    const p = this.current;
    this.current = undefined;
    if (!p) return undefined;
    const what = summary(p);
    return `${p.label}${what ? `: ${what}` : ''} · ${shortSeconds((now - p.started) / 1000)}`;
  }

  private start(key: string, label: string, now: number): string | undefined {
    const ended = this.finish(now);
    this.current = { key, label, started: now, epochs: [] };
    return ended;
  }
}
