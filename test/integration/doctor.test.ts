// `transfer-studio doctor` through the built binary on real Fashion-MNIST images: a trouser filed under
// "bag" is flagged with the class it belongs to, an exact copy is found, the summary line ends the text
// output, and a file named in the ignore file is left out of the next check.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import type { DoctorReport } from '../../src/shared/doctorTypes';
import { IGNORE_FILE } from '../../src/shared/ignoreFile';
import { cliSync, jsonLines } from '../helpers/cli';
import { fixture, tempDir } from '../helpers/fixtures';

const work = tempDir('doctor-cli');
after(() => fs.rmSync(work, { recursive: true, force: true }));
const data = path.join(work, 'data');
fs.cpSync(fixture('fashion-small'), data, { recursive: true });
const trousers = fs.readdirSync(path.join(data, 'trouser')).sort();
const misfiled = path.join(data, 'bag', `was-${trousers[0]}`);
fs.renameSync(path.join(data, 'trouser', trousers[0]), misfiled);
const copy = path.join(data, 'sneaker', 'copy.png');
fs.copyFileSync(path.join(data, 'sneaker', fs.readdirSync(path.join(data, 'sneaker')).sort()[0]), copy);

const report = (stdout: string) => jsonLines(stdout).find((l) => l.type === 'result')!.result as DoctorReport;

test('doctor --json flags the misfiled image with its class and the copy', () => {
  const r = cliSync(work, ['doctor', data, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const found = report(r.stdout);
  const label = found.findings.find((f) => f.path === misfiled);
  assert.equal(label?.kind, 'label');
  assert.equal(label.suggestedClass, 'trouser');
  assert.equal(label.action, 'move');
  const dup = found.findings.find((f) => f.path === copy);
  assert.equal(dup?.kind, 'duplicate');
  assert.equal(found.summary.examples, 91);
  assert.equal(found.summary.flagged, new Set(found.findings.map((f) => f.path)).size);
});

test('doctor prints ranked tables and ends with the summary line; ignored files drop out', () => {
  fs.writeFileSync(path.join(data, IGNORE_FILE), `bag/${path.basename(misfiled)}\n`);
  const r = cliSync(work, ['doctor', data]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Duplicates[^\n]*:\n/);
  assert.match(
    r.stdout.trim().split('\n').at(-1)!,
    /^90 images checked with mobilenet_v2: \d+ label issues, 1 duplicates,/,
  );
  assert.doesNotMatch(r.stdout, /was-/);
});
