// Writes the sample folder the walkthrough offers (media/sample-data: three Fashion-MNIST classes, 30 images
// each, 28×28 PNG, MIT-licensed like the dataset): `node --import tsx scripts/write-sample-data.ts`.
// It needs Debian's dataset-fashion-mnist; the images are committed, so users and CI never need it.
import fs from 'node:fs';
import path from 'node:path';
import { writeFashionFolders } from '../src/samples/sampleFolders';

async function main(): Promise<void> {
  const out = path.resolve(__dirname, '../media/sample-data');
  fs.rmSync(out, { recursive: true, force: true });
  // trouser, sneaker, bag: three classes a person tells apart at a glance, and MobileNetV2 features do too.
  const written = await writeFashionFolders(out, { classes: [1, 7, 8], perClass: 30, split: 'test', offset: 0 });
  for (const f of fs.readdirSync(out).filter((f) => f.startsWith('.'))) fs.rmSync(path.join(out, f), { force: true });
  console.log(written.classes.map((c) => `${c.name}: ${c.count}`).join(', '));
}

void main();
