// The built-in bases: Keras models (MobileNetV2, InceptionV3) that the npm package nsfwjs (MIT) ships as JS
// modules. We write each out once as a standard tfjs artifact so the engine loads it like any model.json.
// What they are (titles, sizes, provenance) is stated in src/shared/builtinBases.ts.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const IDS = ['mobilenet_v2', 'inception_v3'];

export function writeBuiltinModels(modelsDir) {
  for (const id of IDS) writeOne(modelsDir, id);
}

function writeOne(modelsDir, id) {
  const out = path.join(modelsDir, id);
  // base.json marks a finished copy (the VSIX check looks for it); what the base is lives in builtinBases.ts.
  const stamp = path.join(out, 'base.json');
  if (fs.existsSync(stamp)) return;
  const src = path.resolve(require.resolve('nsfwjs'), '../../models', id);
  const modelJson = require(path.join(src, 'model.min.js'));
  fs.rmSync(out, { recursive: true, force: true });
  fs.mkdirSync(out, { recursive: true });
  // The package splits the weights into base64 shards; one binary file per shard keeps the manifest's order.
  for (const group of modelJson.weightsManifest) {
    group.paths = group.paths.map((p) => {
      const name = `${path.basename(p, '.min.js')}.bin`;
      fs.writeFileSync(
        path.join(out, name),
        Buffer.from(require(path.join(src, `${path.basename(p)}.min.js`)), 'base64'),
      );
      return name;
    });
  }
  fs.writeFileSync(path.join(out, 'model.json'), JSON.stringify(modelJson));
  fs.writeFileSync(stamp, JSON.stringify({ id, from: `nsfwjs/dist/models/${id}` }));
}
