// Every progress event of the current training, appended to a file in the extension's workspace storage
// before the panel sees it. A window reload ends the extension host (and its trainer); the new host reads
// the journal back, so the restored panel has every point the old one drew, batches included.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ProgressEvent } from '../../shared/engineTypes';

export interface Journal {
  label: string;
  started: number;
  events: ProgressEvent[];
}

export class ProgressJournal {
  constructor(private readonly file: string) {}

  start(label: string): void {
    this.write(() => {
      fs.mkdirSync(path.dirname(this.file), { recursive: true });
      fs.writeFileSync(this.file, `${JSON.stringify({ label, started: Date.now() })}\n`);
    });
  }

  append(events: readonly ProgressEvent[]): void {
    if (events.length)
      this.write(() => fs.appendFileSync(this.file, events.map((e) => JSON.stringify(e)).join('\n') + '\n'));
  }

  read(): Journal | undefined {
    let lines: string[];
    try {
      lines = fs.readFileSync(this.file, 'utf8').split('\n').filter(Boolean);
    } catch {
      return undefined;
    }
    const events: ProgressEvent[] = [];
    let header: { label?: string; started?: number } = {};
    lines.forEach((line, i) => {
      try {
        const value = JSON.parse(line) as unknown;
        if (i === 0) header = value as typeof header;
        else events.push(value as ProgressEvent);
      } catch {
        // A line cut short by the reload itself: everything before it is intact.
      }
    });
    return { label: header.label ?? '', started: header.started ?? 0, events };
  }

  /** The run folder the journal belongs to, known from its first checkpointed epoch. */
  static runDirOf(events: readonly ProgressEvent[]): string | undefined {
    const epoch = events.find((e) => e.kind === 'epoch' && e.checkpoint);
    return epoch?.kind === 'epoch' ? path.dirname(epoch.checkpoint) : undefined;
  }

  private write(action: () => void): void {
    try {
      action();
    } catch {
      // No storage (read-only disk, no workspace): the panel still works, only a reload loses its points.
    }
  }
}
