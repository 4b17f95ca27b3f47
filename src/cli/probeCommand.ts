// `transfer-studio probe <folder> [--bases a,b] [--val f] [--seed n]`: Compare Bases from the command line.
import path from 'node:path';
import type { CancellationToken } from 'vscode-jsonrpc/node';
import type { TrainerRpcClient } from '../client/trainerRpcClient';
import { PROBE_VALIDATION_SPLIT, type ProbeResult } from '../shared/probeRules';
import { DEFAULT_SEED } from '../shared/recipeDefaults';
import { describeRange, inRange, numberField } from '../shared/recipeFields';
import { CliError } from './cliError';

export interface ProbeFlags {
  bases?: string;
  val?: string;
  seed?: string;
}

export async function probeCommand(client: TrainerRpcClient, folder: string, flags: ProbeFlags, cacheDir: string, token: CancellationToken): Promise<ProbeResult> {
  const bases = flags.bases?.split(',').map((b) => b.trim()).filter(Boolean);
  return client.probe({
    folder: path.resolve(folder), bases, cacheDir,
    seed: flag('seed', flags.seed, 'seed') ?? DEFAULT_SEED,
    validationSplit: flag('val', flags.val, 'validationSplit') ?? PROBE_VALIDATION_SPLIT,
  }, token);
}

/** A numeric flag checked against the recipe field it means (the same bounds as `train`'s flag). */
function flag(name: string, value: string | undefined, field: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  const spec = numberField(field);
  if (value.trim() === '' || !Number.isFinite(n) || !inRange(n, spec)) throw new CliError(`--${name} must be ${describeRange(spec)} (got ${value}).`);
  return n;
}
