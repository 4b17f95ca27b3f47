// Evaluate and embed report progress like a training does; the host used to drop it when no training ran.
// These drive the real trainer process and the host's forwarding function, as the notification uses it.
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { withRequestProgress } from '../../src/host/training/requestProgress';
import { DEFAULT_BASE, DEFAULT_SEED } from '../../src/shared/recipeDefaults';
import { fixture, trainerSession } from '../helpers/fixtures';
import * as P from '../../src/shared/trainerProtocol';

const session = trainerSession('request-progress');
const progressOf = (listener: Parameters<typeof session.client.onProgress>[0]) => session.client.onProgress(listener);

test('an evaluation reports its stage to the host while it runs, and stops reporting when done', async () => {
  const recipe = session.recipe(fixture('digits-0-4'), {
    mode: 'source',
    epochs: 1,
    maxPerClass: 8,
    patience: 0,
    name: 'to-evaluate',
  });
  const run = await session.client.sendRequest(P.train, { recipe, cacheDir: session.cacheDir });
  const messages: string[] = [];
  const evaluation = await withRequestProgress(
    progressOf,
    (m) => messages.push(m),
    () => session.client.sendRequest(P.evaluate, { runDir: run.runDir, folder: fixture('digits-0-4') }),
  );
  assert.ok(evaluation.count > 0);
  assert.ok(
    messages.some((m) => /^evaluating 0\/\d+$/.test(m)),
    `messages: ${JSON.stringify(messages)}`,
  );
  // The subscription ended with the request: a later request's progress is not reported.
  const seen = messages.length;
  await session.client.sendRequest(P.evaluate, { runDir: run.runDir, folder: fixture('digits-0-4') });
  assert.equal(messages.length, seen);
});

test('an embedding reports feature caching and the images it skipped', async () => {
  const messages: string[] = [];
  const result = await withRequestProgress(
    progressOf,
    (m) => messages.push(m),
    () =>
      session.client.sendRequest(P.embed, {
        folder: fixture('messy'),
        base: DEFAULT_BASE,
        cacheDir: session.cacheDir,
        classifier: 'none',
        seed: DEFAULT_SEED,
        outDir: path.join(session.work, 'embeddings'),
      }),
  );
  assert.ok(result.count > 0);
  assert.ok(
    messages.some((m) => /^caching-features \d+\/\d+$/.test(m)),
    `messages: ${JSON.stringify(messages)}`,
  );
  assert.ok(
    messages.some((m) => m.startsWith('Skipped ')),
    'the unreadable images of the messy folder are reported',
  );
});
