// Paths of the real-image fixtures written by scripts/prepare-fixtures.ts, and a trainer client on the
// built child process (dist/trainer.js), exactly as the CLI and the extension start it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before } from 'node:test';
import { TrainerRpcClient } from '../../src/client/trainerRpcClient';
import {
  isPredictionFailure,
  type Prediction,
  type PredictionFailure,
  type TrainRecipe,
} from '../../src/shared/engineTypes';
import { defaultRecipe } from '../../src/shared/recipeDefaults';

export const ROOT = path.resolve(__dirname, '../..');
export const FIXTURES = path.join(ROOT, 'test/fixtures/generated');
export const fixture = (name: string) => path.join(FIXTURES, name);
export const DIST = path.join(ROOT, 'dist');

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `ts-${prefix}-`));
}

export function startClient(log: string[] = []): TrainerRpcClient {
  return new TrainerRpcClient({
    workerPath: path.join(DIST, 'trainer.js'),
    backend: 'wasm',
    onLog: (l) => log.push(l),
  });
}

/** The outcomes of `trainer/predictEach` for images that must all be readable; a failure fails the test. */
export function allPredicted(outcomes: (Prediction | PredictionFailure)[]): Prediction[] {
  const failed = outcomes.find(isPredictionFailure);
  if (failed) throw new Error(`Cannot read ${failed.path}: ${failed.error}`);
  return outcomes as Prediction[];
}

/**
 * One trainer process for a test file, a scratch folder with its cache and runs, and recipes that write there.
 * `session.client` is valid inside tests (it starts in `before`).
 */
export function trainerSession(prefix: string) {
  const work = tempDir(prefix);
  const session = {
    client: undefined as unknown as TrainerRpcClient,
    work,
    cacheDir: path.join(work, 'cache'),
    // Pinned to the fixed flow (10 epochs, no automatic second phase, no test split unless asked): tests need
    // speed, and the automatic flow has tests of its own.
    recipe: (data: string, patch: Partial<TrainRecipe>): TrainRecipe => ({
      ...defaultRecipe(data),
      epochs: 10,
      testSplit: 0,
      secondPhase: undefined,
      outputDir: path.join(work, 'runs'),
      ...patch,
    }),
  };
  before(() => {
    session.client = startClient();
  });
  after(() => {
    session.client.dispose();
    fs.rmSync(work, { recursive: true, force: true });
  });
  return session;
}
