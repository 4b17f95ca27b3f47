// `transfer-studio probe <folder> [--bases a,b] [--val f] [--seed n]`: Compare Bases from the command line.
import path from 'node:path';
import type { CancellationToken } from 'vscode-jsonrpc/node';
import type { TrainerRpcClient } from '../client/trainerRpcClient';
import { PROBE_VALIDATION_SPLIT, type ProbeResult } from '../shared/probeRules';
import { DEFAULT_SEED } from '../shared/recipeDefaults';
import { numberFlag } from './trainArgs';
import * as P from '../shared/trainerProtocol';

export interface ProbeFlags {
  bases?: string;
  val?: string;
  seed?: string;
}

export async function probeCommand(
  client: TrainerRpcClient,
  folder: string,
  flags: ProbeFlags,
  cacheDir: string,
  token: CancellationToken,
): Promise<ProbeResult> {
  const bases = flags.bases
    ?.split(',')
    .map((b) => b.trim())
    .filter(Boolean);
  return client.sendRequest(
    P.probe,
    {
      folder: path.resolve(folder),
      bases,
      cacheDir,
      seed: (flags.seed === undefined ? undefined : numberFlag('seed', flags.seed, ['seed'])) ?? DEFAULT_SEED,
      validationSplit:
        (flags.val === undefined ? undefined : numberFlag('val', flags.val, ['validationSplit'])) ??
        PROBE_VALIDATION_SPLIT,
    },
    token,
  );
}
