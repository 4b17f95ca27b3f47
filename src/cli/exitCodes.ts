// The CLI's exit codes: one list, printed by `--help` and documented in the README, so scripts can rely on them.

export const EXIT = {
  /** The command did what it was asked (for `predict`: every image was read; see PARTIAL). */
  ok: 0,
  /** The command ran and failed: unreadable data, a broken model, a training error, some images unreadable. */
  failed: 1,
  /** The command line was wrong: unknown command or option, a missing argument, a value out of its choices or range. */
  usage: 2,
  /** Cancelled with Ctrl+C; a training keeps its last checkpoint. */
  cancelled: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** The exit codes as the help text lists them. */
export function exitCodesHelp(): string {
  return [
    'Exit codes:',
    `  ${EXIT.ok}    ok`,
    `  ${EXIT.failed}    failed (bad data, a model or training error, an image predict could not read)`,
    `  ${EXIT.usage}    usage error (unknown command or option, missing argument, value out of its choices or range)`,
    `  ${EXIT.cancelled}  cancelled with Ctrl+C (a training keeps its last checkpoint)`,
  ].join('\n');
}
