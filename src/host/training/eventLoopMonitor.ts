// Measures how responsive the extension host stays while a training runs in the child process.
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

export interface EventLoopFigures {
  p50: number;
  p99: number;
  max: number;
  samples: number;
}

export class EventLoopMonitor {
  private histogram: IntervalHistogram | undefined;

  start(): void {
    this.histogram = monitorEventLoopDelay({ resolution: 10 });
    this.histogram.enable();
  }

  /** Stops and returns the delays in milliseconds. */
  stop(): EventLoopFigures | undefined {
    const h = this.histogram;
    if (!h) return undefined;
    h.disable();
    this.histogram = undefined;
    const ms = (ns: number) => Math.round(ns / 1e4) / 100;
    return { p50: ms(h.percentile(50)), p99: ms(h.percentile(99)), max: ms(h.max), samples: h.count };
  }
}

export function describeEventLoop(f: EventLoopFigures): string {
  return `host event-loop delay while training: p50 ${f.p50} ms, p99 ${f.p99} ms, max ${f.max} ms (${f.samples} samples)`;
}
