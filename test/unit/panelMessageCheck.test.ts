// The host's check of what the (untrusted) panel webview sends: every valid message passes unchanged,
// anything else is refused with a reason, and no input makes the check throw. Fuzzed with a fixed seed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { MAX_LAYER_NAME_LENGTH, MAX_PATH_LENGTH, parseWebviewMessage } from '../../src/shared/panelMessageCheck';
import { EXPORT_FORMATS } from '../../src/shared/exportTypes';
import type { TrainingSettings, WebviewMessage } from '../../src/shared/panelProtocol';

const SEED = 20261127;

const layer = fc.string({ minLength: 1, maxLength: 64, unit: 'grapheme' });
const settings: fc.Arbitrary<Partial<TrainingSettings>> = fc.record(
  {
    epochs: fc.integer({ min: 1, max: 10_000 }),
    learningRate: fc.double({ min: 1e-9, max: 9.99, noNaN: true }),
    batchSize: fc.integer({ min: 1, max: 4096 }),
    validationSplit: fc.double({ min: 0.001, max: 0.999, noNaN: true }),
    augmentation: fc.boolean(),
    secondPhase: fc.boolean(),
    compareScratch: fc.boolean(),
  },
  { requiredKeys: [], noNullPrototype: true },
);

/** Every message the protocol allows. */
const validMessage: fc.Arbitrary<WebviewMessage> = fc.oneof(
  fc.constantFrom<WebviewMessage>({ type: 'ready' }, { type: 'startTraining' }, { type: 'cancelTraining' }),
  fc.record({ type: fc.constant('setTrainable' as const), layer, trainable: fc.boolean() }, { noNullPrototype: true }),
  fc.record(
    { type: fc.constantFrom('freezeUpTo' as const, 'unfreezeFrom' as const, 'setFeatureLayer' as const), layer },
    { noNullPrototype: true },
  ),
  fc.record({ type: fc.constant('updateSettings' as const), settings }, { noNullPrototype: true }),
  fc.record(
    {
      type: fc.constant('openImage' as const),
      path: fc.string({ minLength: 1, maxLength: 200 }).filter((p) => !p.includes('\0')),
    },
    { noNullPrototype: true },
  ),
  fc.record(
    { type: fc.constant('exportRun' as const), format: fc.constantFrom(...EXPORT_FORMATS) },
    { noNullPrototype: true },
  ),
  fc.record({ type: fc.constant('setTextEmbeddingFrozen' as const), frozen: fc.boolean() }, { noNullPrototype: true }),
);

test('every message of the protocol passes, rebuilt equal and not shared with the input', () => {
  for (const m of [
    { type: 'ready' },
    { type: 'startTraining' },
    { type: 'startTrainingOnRay' },
    { type: 'cancelTraining' },
    { type: 'setTrainable', layer: 'block_16_project', trainable: true },
    { type: 'freezeUpTo', layer: 'block_12_add' },
    { type: 'unfreezeFrom', layer: 'Conv_1' },
    { type: 'setFeatureLayer', layer: 'out_relu' },
    { type: 'setTextEmbeddingFrozen', frozen: true },
    {
      type: 'updateSettings',
      settings: {
        epochs: 20,
        learningRate: 0.001,
        batchSize: 16,
        validationSplit: 0.2,
        augmentation: true,
        secondPhase: false,
        compareScratch: true,
      },
    },
    { type: 'updateSettings', settings: {} },
    { type: 'openImage', path: '/home/u/data/<img src=x onerror=alert(1)>/ñ 1.png' },
    { type: 'exportRun', format: 'onnx' },
    { type: 'exportRun', format: 'keras' },
    { type: 'exportRun', format: 'tfjs' },
  ]) {
    const r = parseWebviewMessage(m);
    assert.ok(r.ok, `${m.type}: ${r.ok ? '' : r.reason}`);
    assert.deepEqual(r.message, m);
    assert.notEqual(r.message, m);
  }
});

test('unknown types, extra fields, wrong types and out-of-range values are refused with a reason', () => {
  const refused: [unknown, RegExp][] = [
    [null, /must be an object, not null/],
    ['ready', /must be an object, not "ready"/],
    [[{ type: 'ready' }], /must be an object, not a list/],
    [{}, /unknown message type nothing/],
    [{ type: 'runShell', command: 'rm -rf ~' }, /unknown message type "runShell"/],
    [{ type: 'toString' }, /unknown message type "toString"/],
    [{ type: '__proto__' }, /unknown message type "__proto__"/],
    [{ type: 'ready', extra: 1 }, /"ready" has unexpected field\(s\) "extra"/],
    [JSON.parse('{"type":"startTraining","__proto__":{"polluted":true}}'), /unexpected field\(s\) "__proto__"/],
    [{ type: 'setTrainable', layer: 'Conv1' }, /"setTrainable.trainable" must be true or false, not nothing/],
    [{ type: 'setTrainable', layer: 'Conv1', trainable: 'yes' }, /must be true or false, not "yes"/],
    [{ type: 'setTextEmbeddingFrozen', frozen: 1 }, /"setTextEmbeddingFrozen.frozen" must be true or false, not 1/],
    [
      { type: 'setTrainable', layer: '', trainable: true },
      /"setTrainable.layer" must be a layer name of 1 to 256 characters, not ""/,
    ],
    [{ type: 'freezeUpTo', layer: 'x'.repeat(MAX_LAYER_NAME_LENGTH + 1) }, /not "x{40}…" \(257 characters\)/],
    [{ type: 'setFeatureLayer', layer: 42 }, /"setFeatureLayer.layer" must be a layer name .*not 42/],
    [{ type: 'updateSettings', settings: null }, /"updateSettings.settings" must be an object, not null/],
    [
      { type: 'updateSettings', settings: { epochs: 0 } },
      /setting "epochs" must be auto or a whole number from 1 to 10000, not 0/,
    ],
    [{ type: 'updateSettings', settings: { epochs: 2.5 } }, /not 2.5/],
    [
      { type: 'updateSettings', settings: { learningRate: Number.NaN } },
      /"learningRate" must be a number above 0 and below 10, not NaN/,
    ],
    [{ type: 'updateSettings', settings: { learningRate: Infinity } }, /not Infinity/],
    [{ type: 'updateSettings', settings: { batchSize: 1e9 } }, /"batchSize" must be a whole number from 1 to 4096/],
    [
      { type: 'updateSettings', settings: { validationSplit: 1 } },
      /"validationSplit" must be a number above 0 and below 1, not 1/,
    ],
    [{ type: 'updateSettings', settings: { augmentation: 1 } }, /"augmentation" must be true or false, not 1/],
    [{ type: 'updateSettings', settings: { outputDir: '/etc' } }, /unknown setting "outputDir"/],
    [{ type: 'updateSettings', settings: new Map() }, /must be an object, not an object/],
    [
      { type: 'openImage', path: 'x'.repeat(MAX_PATH_LENGTH + 1) },
      /"openImage.path" must be a string of 1 to 4096 characters/,
    ],
    [{ type: 'openImage', path: '/etc/passwd\0.png' }, /NUL character/],
    [{ type: 'openImage', path: ['/a'] }, /not a list/],
    [{ type: 'exportRun' }, /"exportRun.format" must be one of onnx, keras, tfjs, not nothing/],
    [{ type: 'exportRun', format: 'tflite' }, /not "tflite"/],
    [{ type: 'exportRun', format: 'onnx', runDir: '/etc' }, /unexpected field\(s\) "runDir"/],
  ];
  for (const [value, reason] of refused) {
    const r = parseWebviewMessage(value);
    assert.equal(r.ok, false, JSON.stringify(value));
    if (!r.ok) assert.match(r.reason, reason);
  }
});

test('fuzz: valid messages pass unchanged; any other value is refused or passes only as a well-formed message', () => {
  let valid = 0;
  fc.assert(
    fc.property(validMessage, (m) => {
      valid++;
      const r = parseWebviewMessage(m);
      assert.ok(r.ok, r.ok ? '' : r.reason);
      assert.deepEqual(r.message, m);
    }),
    { seed: SEED, numRuns: 2000 },
  );

  // Valid messages broken in one place, and arbitrary JSON-like values (what postMessage can carry).
  const broken = fc.oneof(
    fc
      .tuple(
        validMessage,
        fc.string({ maxLength: 12 }).filter((k) => k !== 'type'),
        fc.anything(),
      )
      .map(([m, k, v]) => ({ ...m, [k]: v })),
    fc.tuple(validMessage, fc.anything()).map(([m, v]) => ({ ...m, type: v })),
    // Another type on the same fields: sometimes still a valid message (freezeUpTo ↔ setFeatureLayer).
    fc
      .tuple(
        validMessage,
        fc.constantFrom(
          'ready',
          'setTrainable',
          'freezeUpTo',
          'unfreezeFrom',
          'setFeatureLayer',
          'updateSettings',
          'startTraining',
          'cancelTraining',
          'openImage',
          'exportRun',
          'setTextEmbeddingFrozen',
        ),
      )
      .map(([m, type]) => ({ ...m, type })),
    validMessage
      .filter((m) => Object.keys(m).length > 1)
      .chain((m) =>
        fc.constantFrom(...Object.keys(m).filter((k) => k !== 'type')).map((k) => ({ ...m, [k]: undefined })),
      ),
    fc.anything({
      withObjectString: true,
      withNullPrototype: true,
      withBigInt: true,
      withDate: true,
      withMap: true,
      withSet: true,
      withTypedArray: true,
      withSparseArray: true,
    }),
  );
  let other = 0;
  let refusedCount = 0;
  fc.assert(
    fc.property(broken, (value) => {
      other++;
      const r = parseWebviewMessage(value);
      if (!r.ok) {
        refusedCount++;
        assert.ok(r.reason.length > 0 && r.reason.length < 400, r.reason);
        return;
      }
      // It passed: then it must be a message the protocol allows, with nothing more.
      const again = parseWebviewMessage(JSON.parse(JSON.stringify(r.message)));
      assert.ok(again.ok);
      assert.deepEqual(again.message, r.message);
      for (const v of Object.values(r.message)) {
        if (typeof v === 'string') assert.ok(v.length <= MAX_PATH_LENGTH);
        if (typeof v === 'number') assert.ok(Number.isFinite(v));
      }
    }),
    { seed: SEED, numRuns: 5000 },
  );
  console.log(
    `panel message fuzz (seed ${SEED}): ${valid} valid messages accepted, ${other} other values (${refusedCount} refused, ${other - refusedCount} well-formed), 0 exceptions`,
  );
});
