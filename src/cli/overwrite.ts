// One overwrite policy for every command that writes files the user names (embed, export, and any new
// writer): an existing output is never replaced silently. Without --force the command refuses before it
// starts, naming the file; a training never needs this, since each run gets a folder of its own.
import fs from 'node:fs';
import type { OptionSpec } from './commandSpec';
import { CliError } from './cliError';
import { EXIT } from './exitCodes';

/** The option every writer takes, worded once so each command's --help states the policy the same way. */
export const FORCE_OPTION: OptionSpec = {
  flags: '--force',
  description: 'replace outputs that already exist (without it, an existing output is an error)',
};

/** Throws a one-line error naming the first output that exists, unless `force`. */
export function refuseToOverwrite(outputs: readonly string[], force: boolean): void {
  if (force) return;
  const existing = outputs.find((p) => fs.existsSync(p));
  if (existing)
    throw new CliError(`${existing} already exists: add --force to replace it, or choose another --out.`, EXIT.failed);
}
