// Whether a run froze what the user chose: recipe.json's freeze.frozen against the base's layers, and
// run.json's trainable parameter count against the head plus the layers left trainable. The layers come
// from the installed extension's own CLI (`transfer-studio layers mobilenet_v2 --json`).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { readJson } from './runChecks.mjs';

/** Layers of the built-in base as the CLI inside the installed VSIX reports them. */
export function cliLayers(extensionsDir) {
  const ext = fs.readdirSync(extensionsDir).find((d) => d.startsWith('transfer-studio.transfer-studio-'));
  if (!ext) throw new Error(`no installed Transfer Studio in ${extensionsDir}`);
  const out = execFileSync(
    process.execPath,
    [path.join(extensionsDir, ext, 'dist/cli.js'), 'layers', 'mobilenet_v2', '--json'],
    { encoding: 'utf8' },
  );
  return JSON.parse(out.trim().split('\n').at(-1)).result.layers;
}

/** Parameters of the head the engine puts on the cut: pooling, an optional hidden dense layer, the classifier. */
export function headParams(head, featureShape, classes) {
  const dims = featureShape.slice(1);
  const pooled = head.pooling === 'flatten' ? dims.reduce((a, b) => a * b, 1) : dims.at(-1);
  if (!head.dense) return pooled * classes + classes;
  return pooled * head.dense + head.dense + head.dense * classes + classes;
}

/**
 * Checks that a finished run froze every weighted layer up to the cut except exactly `trained`, and that
 * its trainableParams = head + the trainable parameters of `trained`. Returns the figures for the log.
 */
export function checkFreeze(runDir, trained, layers) {
  const run = readJson(path.join(runDir, 'run.json'));
  const recipe = readJson(path.join(runDir, 'recipe.json'));
  const labels = readJson(path.join(runDir, 'labels.json'));
  const featureLayer = recipe.freeze.featureLayer ?? run.featureLayer;
  const cut = layers.find((l) => l.name === featureLayer);
  if (!cut) throw new Error(`feature layer "${featureLayer}" is not a layer of the base`);
  const kept = layers.filter((l) => l.hasWeights && l.index <= cut.index);
  const expected = kept.map((l) => l.name).filter((n) => !trained.includes(n));
  const frozen = recipe.freeze.frozen ?? [];
  const missing = expected.filter((n) => !frozen.includes(n));
  const extra = frozen.filter((n) => !expected.includes(n));
  if (missing.length || extra.length) {
    throw new Error(
      `recipe.json freeze.frozen differs: should be frozen [${missing.join(', ')}], should train [${extra.join(', ')}]`,
    );
  }
  const trainedParams = layers.filter((l) => trained.includes(l.name)).reduce((sum, l) => sum + l.trainableParams, 0);
  const head = headParams(recipe.head, cut.outputShape, labels.length);
  if (run.trainableParams !== head + trainedParams) {
    throw new Error(
      `run.json trainableParams ${run.trainableParams} ≠ head ${head} + ${trained.join(' + ')} ${trainedParams}`,
    );
  }
  return { frozen: frozen.length, kept: kept.length, trainableParams: run.trainableParams, head, trainedParams };
}
