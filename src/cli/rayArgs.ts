// `train --ray`: the Ray options of the CLI and the step from parsed options to a Ray run.
import type { CancellationToken } from 'vscode-jsonrpc';
import type { TrainerRpcClient } from '../client/trainerRpcClient';
import type { ProgressEvent, RunResult, TrainRecipe } from '../shared/engineTypes';
import { RAY_DEFAULTS } from '../shared/rayProtocol';
import { rayPython, rayTarget, trainOnRay } from '../ray/rayTraining';
import type { OptionSpec } from './commandSpec';
import { numberFlag } from './trainArgs';

/** Part of `train`'s options; the defaults are only shown: a recipe's `ray:` section wins over them. */
export const RAY_OPTIONS = [
  {
    flags: '--ray [address]',
    description: "train on a Ray cluster: host:port of its head, or local (alone: the recipe's ray.address)",
  },
  {
    flags: '--workers <n>',
    description: "with --ray: data-parallel workers (or the recipe's ray.workers)",
    default: RAY_DEFAULTS.workers,
    number: true,
  },
  {
    flags: '--gpus-per-worker <g>',
    description: "with --ray: GPUs per worker (or the recipe's ray.gpusPerWorker)",
    default: RAY_DEFAULTS.gpusPerWorker,
    number: true,
  },
  {
    flags: '--python <path>',
    description: 'with --ray: the Python that drives the job (it needs ray[train], keras 3 and torch)',
    defaultText: '$TRANSFER_STUDIO_PYTHON, else python3',
  },
] as const satisfies readonly OptionSpec[];

type Values = Readonly<Record<string, string | boolean | undefined>>;

/** Whether the command line asks for a Ray run. */
export function wantsRay(v: Values): boolean {
  return v.ray !== undefined;
}

type RunContext = { cacheDir: string; token: CancellationToken; emit: (e: ProgressEvent) => void };

export function trainOnRayFromCli(
  client: TrainerRpcClient,
  recipe: TrainRecipe,
  v: Values,
  o: RunContext,
): Promise<RunResult> {
  const text = (name: string) => (typeof v[name] === 'string' ? (v[name] as string) : undefined);
  // The same bounds as the recipe's ray section, from the one field table.
  const num = (flag: string, field: string) => {
    const value = text(flag);
    return value === undefined ? undefined : numberFlag(flag, value, ['ray', field]);
  };
  const target = rayTarget(recipe, {
    address: text('ray') || undefined,
    workers: num('workers', 'workers'),
    gpusPerWorker: num('gpus-per-worker', 'gpusPerWorker'),
  });
  return trainOnRay(client, recipe, { python: rayPython(text('python')), target, ...o });
}
