// What a CLI start loads: `--version` (and every command's start) must not pay for the native image library,
// tfjs or ONNX Runtime, and the host bundles must not carry trainer code (it runs in its own process).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { CLI } from '../helpers/cli';
import { DIST, tempDir } from '../helpers/fixtures';

const HEAVY = /^(sharp|@img\/|@tensorflow\/|onnxruntime-node|h5wasm)/;

test('transfer-studio --version loads neither sharp nor tfjs nor ONNX Runtime', () => {
  const work = tempDir('cli-start');
  try {
    // A preload that records every module request of the process and prints them at exit.
    const hook = path.join(work, 'record.cjs');
    fs.writeFileSync(
      hook,
      `const M = require('module'); const load = M._load; const seen = new Set();
       M._load = function (request, ...rest) { seen.add(request); return load.call(this, request, ...rest); };
       process.on('exit', () => process.stderr.write('LOADED ' + JSON.stringify([...seen]) + '\\n'));`,
    );
    const r = spawnSync(process.execPath, ['--require', hook, CLI, '--version'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^\d+\.\d+\.\d+/);
    const loaded = JSON.parse(/LOADED (.*)/.exec(r.stderr)![1]) as string[];
    assert.ok(loaded.length > 0, 'the preload recorded nothing');
    assert.deepEqual(
      loaded.filter((m) => HEAVY.test(m)),
      [],
    );
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
});

test('the CLI and extension bundles hold no trainer module', () => {
  for (const bundle of ['cli.js', 'extension.js']) {
    const text = fs.readFileSync(path.join(DIST, bundle), 'utf8');
    // esbuild marks each bundled source file with a "// src/…" comment line.
    assert.deepEqual(text.match(/^\/\/ src\/trainer\/.*$/gm) ?? [], [], bundle);
  }
});
