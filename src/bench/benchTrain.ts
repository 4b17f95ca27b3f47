// One automatic-flow run as the evaluation scripts make it: on WASM, the engine's log lines to stderr.
import type { RunResult, TrainRecipe } from '../shared/engineTypes';
import type { CancelSignal } from '../shared/engineError';
import { initBackend } from '../trainer/backend/selectBackend';
import { runTraining } from '../trainer/train/runTraining';

/** Trains `recipe`; the seconds include loading the base and computing features. */
export async function trainLogged(
  recipe: TrainRecipe,
  cacheDir: string,
  signal: CancelSignal,
  log: (line: string) => void,
): Promise<{ result: RunResult; seconds: number }> {
  const t0 = Date.now();
  const backend = await initBackend('wasm');
  const result = await runTraining(recipe, {
    cacheDir,
    backend,
    signal,
    emit: (e) => {
      if (e.kind === 'log') log(`    ${e.message}`);
    },
  });
  return { result, seconds: (Date.now() - t0) / 1000 };
}
