// "Run on Ray Cluster…": the recipe CodeLens, the Runs view's "Train Again on Ray" and the panel's button run
// a recipe on Ray through the same training service as a local run, so the panel, the status bar and the
// notification watch it unchanged. The cluster comes from the recipe's `ray:` section, else the
// transferStudio.ray.address setting, confirmed (or changed) in an input box.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { TrainRecipe } from '../../shared/engineTypes';
import { RAY_DEFAULTS, RAY_MAX_WORKERS } from '../../shared/rayProtocol';
import { rayPython, rayTarget, RayRunError } from '../../ray/rayTraining';
import { readRunRecipe } from '../runs/runStore';
import type { Services } from '../services';
import type { RayJob } from '../training/trainingService';
import { RunsView } from '../views/runsView';
import { requireTrust, showFailure, startFromChoices } from './fineTune';
import { trainRecipe } from './recipeCommands';

/** Asks where to run (prefilled from the recipe and the settings); undefined when the user backs out. */
export async function askRayJob(recipe: TrainRecipe): Promise<RayJob | undefined> {
  const c = vscode.workspace.getConfiguration('transferStudio');
  const address = await vscode.window.showInputBox({
    title: vscode.l10n.t('Run on Ray Cluster'),
    prompt: vscode.l10n.t(
      'The cluster\'s address host:port (run VS Code on a node of it), or "local" for a private Ray on this machine',
    ),
    value: recipe.ray?.address ?? c.get<string>('ray.address') ?? 'local',
    validateInput: (v) =>
      v.trim() === 'local' || /^[^\s:]+:\d+$/.test(v.trim())
        ? undefined
        : vscode.l10n.t('host:port (e.g. 10.0.0.5:6379) or local'),
  });
  if (address === undefined) return undefined;
  const workers = await vscode.window.showInputBox({
    title: vscode.l10n.t('Run on Ray Cluster'),
    prompt: vscode.l10n.t(
      "Data-parallel workers (1 to {0}); the recipe's batchSize is split across them",
      RAY_MAX_WORKERS,
    ),
    value: String(recipe.ray?.workers ?? RAY_DEFAULTS.workers),
    validateInput: (v) =>
      Number.isInteger(Number(v)) && Number(v) >= 1 && Number(v) <= RAY_MAX_WORKERS
        ? undefined
        : vscode.l10n.t('a whole number from 1 to {0}', RAY_MAX_WORKERS),
  });
  if (workers === undefined) return undefined;
  try {
    const target = rayTarget(recipe, { address: address.trim(), workers: Number(workers) });
    return { target, python: rayPython(c.get<string>('python') || undefined) };
  } catch (e) {
    if (e instanceof RayRunError) void vscode.window.showErrorMessage(e.message);
    else throw e;
    return undefined;
  }
}

export function trainRecipeOnRay(s: Services, arg: unknown): Promise<void> {
  return trainRecipe(s, arg, false, askRayJob);
}

export function startFromChoicesOnRay(s: Services): Promise<void> {
  return startFromChoices(s, 'transfer', askRayJob);
}

/** Runs view: a new run of a run's recipe, on Ray. */
export async function trainAgainOnRay(s: Services, arg: unknown): Promise<void> {
  if (!requireTrust()) return;
  const dir = RunsView.dirOf(arg);
  if (!dir) return;
  let recipe: TrainRecipe;
  try {
    recipe = readRunRecipe(dir);
  } catch (e) {
    await showFailure(s, (e as Error).message);
    return;
  }
  const ray = await askRayJob(recipe);
  if (ray)
    await s.training.run({ label: vscode.l10n.t('{0} (Ray)', recipe.name ?? path.basename(recipe.data)), recipe, ray });
}
