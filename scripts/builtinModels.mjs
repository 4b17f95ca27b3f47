// The built-in base: the Keras MobileNetV2 (ImageNet-initialized) that the npm package nsfwjs (MIT) ships
// as JS modules. We write it out once as a standard tfjs artifact so the engine loads it like any model.json.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export function writeBuiltinModels(modelsDir) {
  const out = path.join(modelsDir, 'mobilenet_v2');
  if (fs.existsSync(path.join(out, 'base.json'))) return;
  const src = path.resolve(require.resolve('nsfwjs'), '../../models/mobilenet_v2');
  const modelJson = require(path.join(src, 'model.min.js'));
  const weights = Buffer.from(require(path.join(src, 'group1-shard1of1.min.js')), 'base64');
  fs.mkdirSync(out, { recursive: true });
  modelJson.weightsManifest[0].paths = ['group1-shard1of1.bin'];
  fs.writeFileSync(path.join(out, 'group1-shard1of1.bin'), weights);
  fs.writeFileSync(path.join(out, 'model.json'), JSON.stringify(modelJson));
  fs.writeFileSync(path.join(out, 'base.json'), JSON.stringify({
    id: 'mobilenet_v2',
    title: 'MobileNetV2 (α=1.0, 224×224, ImageNet-initialized)',
    preprocessing: { size: [224, 224], channels: 3, scale: 'unit' },
    defaultFeatureLayer: 'out_relu',
    credit: 'Keras MobileNetV2 weights as shipped by the npm package nsfwjs 4.4.0 (MIT, Infinite Red).',
  }, null, 2));
}
