// The data doctor's checks on real digits, with pixels standing in for a base's features (the checks only
// see vectors): planted label flips are found and their class named, copies are grouped, the same seed gives
// the same report; the ignore file keeps files out of the scan; training's warning counts files still in place.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import sharp from 'sharp';
import type { DoctorReport } from '../../src/shared/doctorTypes';
import { IGNORE_FILE, IGNORED_REASON } from '../../src/shared/ignoreFile';
import { loadMnistDigit, writeGrayPng } from '../../src/samples/sampleFolders';
import { initBackend } from '../../src/trainer/backend/selectBackend';
import { scanDataset } from '../../src/trainer/data/datasetScanner';
import { diagnose } from '../../src/trainer/doctor/diagnose';
import { fingerprints } from '../../src/trainer/doctor/fingerprints';
import { lastCheckWarning, saveLastCheck } from '../../src/trainer/doctor/lastCheck';
import { tempDir } from '../helpers/fixtures';

const DIGITS = [0, 1, 7];
const PER_CLASS = 30;

/** 30 digits per class; three written into the wrong class, one exact and one re-encoded copy. */
async function plantedFolder() {
  const root = tempDir('doctor');
  const flipped = new Map<string, string>();
  for (const d of DIGITS) fs.mkdirSync(path.join(root, String(d)));
  for (const [c, d] of DIGITS.entries()) {
    const raw = await loadMnistDigit(d);
    for (let k = 0; k < PER_CLASS; k++) {
      const wrong = k === 0 ? DIGITS[(c + 1) % 3] : d;
      const file = path.join(root, String(wrong), `${d}-${k}.png`);
      await writeGrayPng(file, raw.subarray(k * 784, (k + 1) * 784));
      if (wrong !== d) flipped.set(file, String(d));
    }
  }
  fs.copyFileSync(path.join(root, '1', '1-5.png'), path.join(root, '1', 'copy.png'));
  await sharp(path.join(root, '7', '7-5.png'))
    .jpeg({ quality: 85 })
    .toFile(path.join(root, '7', 'again.jpg'));
  return { root, flipped };
}

async function check(root: string, seed: number) {
  const scan = await scanDataset(root);
  const files = scan.classes.flatMap((c, label) => c.files.map((f) => ({ path: f, label })));
  files.sort((a, b) => a.path.localeCompare(b.path));
  const prints = await fingerprints(files.map((f) => f.path));
  const pixels = await Promise.all(
    files.map(async (f) => Float32Array.from(await sharp(f.path).greyscale().resize(28, 28).raw().toBuffer())),
  );
  return diagnose({
    root,
    classes: scan.classes.map((c) => c.name),
    examples: files.map((f, i) => ({ ...f, features: pixels[i], fingerprint: prints[i] })),
    seed,
  });
}

describe('data doctor on real digits', () => {
  // The probe runs on the engine's backend, as in the trainer.
  before(() => initBackend('wasm'));

  it('finds the planted flips and copies, and repeats itself for a seed', async () => {
    const { root, flipped } = await plantedFolder();
    const d = await check(root, 1);
    const labels = d.findings.filter((f) => f.kind === 'label');
    for (const [file, truth] of flipped) {
      const found = labels.find((f) => f.path === file);
      assert.ok(found, `${path.relative(root, file)} not flagged`);
      assert.equal(found.suggestedClass, truth);
      assert.equal(found.action, 'move');
    }
    // Pixels are a weak base: a couple of odd handwritten digits may be flagged too, not many more.
    assert.ok(labels.length <= flipped.size + 2, `${labels.length} flagged`);
    const dup = (name: string) => d.findings.find((f) => path.basename(f.path) === name);
    assert.equal(dup('copy.png')?.kind, 'duplicate');
    assert.equal(path.basename(dup('copy.png')!.duplicateOf!), '1-5.png');
    assert.equal(dup('again.jpg')?.kind, 'near-duplicate');
    assert.deepEqual(await check(root, 1), d);
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('leaves files in the ignore file out of the scan, with the reason', async () => {
    const { root } = await plantedFolder();
    fs.writeFileSync(path.join(root, IGNORE_FILE), '# reviewed\n1/0-0.png\n7\\7-3.png\n');
    const scan = await scanDataset(root);
    const all = scan.classes.flatMap((c) => c.files.map((f) => path.relative(root, f)));
    assert.ok(!all.includes('1/0-0.png') && !all.includes('7/7-3.png') && all.includes('7/7-4.png'));
    const ignored = scan.skipped.filter((s) => s.reason === IGNORED_REASON).map((s) => path.relative(root, s.path));
    assert.deepEqual(ignored.sort(), ['1/0-0.png', '7/7-3.png']);
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('training warns while enough flagged files are still in place with their label', async () => {
    const { root } = await plantedFolder();
    const cache = tempDir('doctor-cache');
    const scan = await scanDataset(root);
    const files = scan.classes.flatMap((c) => c.files.map((f) => ({ path: f, label: c.name })));
    const report = (n: number): DoctorReport => ({
      folder: root,
      base: 'pixels',
      seed: 1,
      classes: scan.classes.map((c) => c.name),
      findings: files.slice(0, n).map((f) => ({ ...f, kind: 'outlier', score: 1, action: 'review', detail: '' })),
      confusedPairs: [],
      summary: { examples: files.length, label: 0, duplicate: 0, nearDuplicate: 0, outlier: n, flagged: n },
      notes: [],
    });
    assert.equal(lastCheckWarning(cache, scan), undefined);
    saveLastCheck(cache, report(4));
    assert.match(lastCheckWarning(cache, scan)!, /flagged 4 of 92 images/);
    // Two of them moved to another class: two still in place is below the minimum of three.
    fs.renameSync(files[0].path, path.join(root, '7', 'moved-0.png'));
    fs.renameSync(files[1].path, path.join(root, '7', 'moved-1.png'));
    assert.equal(lastCheckWarning(cache, await scanDataset(root)), undefined);
    fs.rmSync(root, { recursive: true, force: true });
    fs.rmSync(cache, { recursive: true, force: true });
  });
});
