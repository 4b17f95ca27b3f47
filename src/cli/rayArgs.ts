// `train --ray`: the Ray options of the CLI and the step from parsed options to a Ray run.
import type { CancellationToken } from 'vscode-jsonrpc';
import type { TrainerRpcClient } from '../client/trainerRpcClient';
import type { ProgressEvent, RunResult, TrainRecipe } from '../shared/engineTypes';
import { rayPython, rayTarget, trainOnRay } from '../ray/rayTraining';
import { CliError } from './cliError';

export const RAY_OPTIONS = {
  ray: { type: 'string' }, workers: { type: 'string' }, 'gpus-per-worker': { type: 'string' }, python: { type: 'string' },
} as const;

type Values = { ray?: string; workers?: string; 'gpus-per-worker'?: string; python?: string };

export function trainOnRayFromCli(client: TrainerRpcClient, recipe: TrainRecipe, v: Values, o: { cacheDir: string; token: CancellationToken; emit: (e: ProgressEvent) => void }): Promise<RunResult> {
  const num = (flag: string, value: string | undefined) => {
    if (value === undefined) return undefined;
    const n = Number(value);
    if (!Number.isFinite(n)) throw new CliError(`--${flag} must be a number (got "${value}").`);
    return n;
  };
  const target = rayTarget(recipe, { address: v.ray || undefined, workers: num('workers', v.workers), gpusPerWorker: num('gpus-per-worker', v['gpus-per-worker']) });
  return trainOnRay(client, recipe, { python: rayPython(v.python), target, ...o });
}
