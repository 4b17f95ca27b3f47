// Which text models export to which format, decided before anything is read or written: the fused model (the
// default) to ONNX only, a fused run of an earlier version (two heads averaged) to nothing, each said by name.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { refuseUnexportable } from '../../src/trainer/text/textExport';
import type { TextModel } from '../../src/trainer/text/textHeads';

const head = { classes: 2, columns: [0], weights: [1, -1], biases: [0, 0] };
const lexical = { state: { documents: 2, idf: new Float32Array(1) }, head };
const glove = { state: { component: [] }, head, meanOnly: false };
const fused: TextModel = {
  kind: 'fused',
  classes: 2,
  gloveWeight: 0.5,
  fused: { lexical: lexical.state, glove: glove.state, scale: 0.5, binary: false, head },
};

test('a fused model exports to ONNX and is refused for Keras and TF.js, naming TfIdfVectorizer', () => {
  assert.doesNotThrow(() => refuseUnexportable('run-a', fused, 'onnx'));
  for (const format of ['keras', 'tfjs'] as const)
    assert.throws(
      () => refuseUnexportable('run-a', fused, format),
      /run-a: its fused model does not export to .*TfIdf/,
    );
});

test('a fused run of an earlier version (two heads averaged) is refused in every format: train it again', () => {
  const late: TextModel = { kind: 'fused', classes: 2, gloveWeight: 0.6, glove, lexical };
  for (const format of ['onnx', 'keras', 'tfjs'] as const)
    assert.throws(() => refuseUnexportable('run-b', late, format), /run-b: .*averaged two heads.*train it again/);
  // Its GloVe weight 1 (or 0) made it the GloVe (or lexical) model: those export.
  assert.doesNotThrow(() => refuseUnexportable('run-c', { ...late, gloveWeight: 1 }, 'onnx'));
  assert.doesNotThrow(() => refuseUnexportable('run-d', { ...late, gloveWeight: 0 }, 'onnx'));
});
