// `transfer-studio layers <text run>`: the kept model's layers, described by the one pure description the
// panel's Layers tab uses (src/shared/text/textLayers.ts). The facts come from text-run.json; runs made
// before it recorded them are read from text-model.json.
import fs from 'node:fs';
import path from 'node:path';
import { TEXT_RUN_FILE } from '../../shared/text/textFiles';
import { textLayers } from '../../shared/text/textLayers';
import type { TextLayersResult } from '../../shared/text/textProtocol';
import { readTextRun } from '../../io/textRuns';
import { textLayerFacts } from './textLayerFacts';
import { readTextModel } from './textModelFile';

export function textRunLayers(runDir: string): TextLayersResult {
  const dir = path.resolve(runDir);
  const recorded = fs.existsSync(path.join(dir, TEXT_RUN_FILE)) ? readTextRun(dir).layers : undefined;
  const facts = recorded ?? textLayerFacts(readTextModel(dir).model);
  // As the run trained: the Embedding's freeze is the choice its training was given.
  return { runDir: dir, kind: facts.kind, layers: textLayers(facts, facts.embeddingFrozen ?? false) };
}
