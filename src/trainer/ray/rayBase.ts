// The model a Ray job starts from, as a Keras 3 file written by the engine's Keras export: the base cut at the
// feature layer plus the recipe's new head, built by the engine exactly as a local run builds it (same layer
// names, same seeded head initialisation, the base's scaling inside, BatchNorm inference-only). The job then
// only trains it, and its trained weights map back onto the engine's model name for name.
import fs from 'node:fs';
import path from 'node:path';
import type { Preprocessing } from '../../shared/engineTypes';
import { kerasFileBytes } from '../export/kerasWriter';
import { readExportGraph } from '../export/exportGraph';
import { saveLayersModel, writeFileAtomic, writeJsonAtomic } from '../models/modelFiles';
import type * as tf from '../tf';
import { RUN_INFO_VERSION, type RunInfo } from '../../shared/runFiles';
import { imageInput } from '../../shared/inputSpec';

export async function exportStartModel(
  model: tf.LayersModel,
  info: { classes: string[]; preprocessing: Preprocessing; title: string; base: string },
  jobDir: string,
): Promise<string> {
  // The export reads a finished run folder: the untrained model is saved as one, inside the job folder.
  const dir = path.join(jobDir, 'start');
  fs.mkdirSync(dir, { recursive: true });
  await saveLayersModel(model, dir);
  const run: RunInfo = {
    version: RUN_INFO_VERSION,
    created: new Date().toISOString(),
    status: 'finished',
    mode: 'transfer',
    base: info.base,
    classes: info.classes,
    input: imageInput(info.preprocessing),
    backend: 'untrained start of a Ray job',
    title: info.title,
  };
  writeJsonAtomic(path.join(dir, 'run.json'), run);
  const file = path.join(jobDir, 'start.keras');
  writeFileAtomic(file, Buffer.from(await kerasFileBytes(await readExportGraph(dir))));
  return file;
}
