// The cheap parts of the tfjs-node build for the bench (scripts/build-tfjs-node.ts): which names deps/lib
// needs for the libraries of a TensorFlow wheel, which N-API build to make, and when the bench sees a build.
// The build itself (minutes, a 270 MB wheel) is not run here.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import {
  builtTfjsNode,
  libraryLinks,
  napiBuildVersion,
  peerModules,
  tfjsNodeBuildDir,
} from '../../src/bench/tfjsNodeBuild';

const tempDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'ts-tfjsnode-'));

/** A folder laid out like the wheel's `tensorflow/` (empty files: only the names matter here). */
function wheelDir(files: string[]): string {
  const dir = tempDir();
  for (const f of files) fs.writeFileSync(path.join(dir, f), '');
  return dir;
}

describe('libraryLinks', () => {
  it('maps every name binding.gyp links and the loader asks for to the wheel libraries', () => {
    const dir = wheelDir(['libtensorflow_cc.so.2', 'libtensorflow_framework.so.2', 'libtensorflow_cc.so.2.lock']);
    fs.mkdirSync(path.join(dir, 'include'));
    assert.deepEqual(libraryLinks(dir), {
      'libtensorflow.so': 'libtensorflow_cc.so.2',
      'libtensorflow.so.2': 'libtensorflow_cc.so.2',
      'libtensorflow_cc.so.2': 'libtensorflow_cc.so.2',
      'libtensorflow_framework.so': 'libtensorflow_framework.so.2',
      'libtensorflow_framework.so.2': 'libtensorflow_framework.so.2',
    });
  });

  it('follows the major version the wheel carries', () => {
    const links = libraryLinks(wheelDir(['libtensorflow_cc.so.3', 'libtensorflow_framework.so.3']));
    assert.equal(links['libtensorflow.so.3'], 'libtensorflow_cc.so.3');
    assert.equal(links['libtensorflow_framework.so'], 'libtensorflow_framework.so.3');
  });

  it('names the folder and the library when one is missing or ambiguous', () => {
    const missing = wheelDir(['libtensorflow_cc.so.2']);
    assert.throws(
      () => libraryLinks(missing),
      (e: Error) => e.message.includes(missing) && /framework/.test(e.message),
    );
    const two = wheelDir(['libtensorflow_cc.so.2', 'libtensorflow_cc.so.3', 'libtensorflow_framework.so.2']);
    assert.throws(
      () => libraryLinks(two),
      (e: Error) => e.message.includes('libtensorflow_cc.so.3'),
    );
  });
});

describe('napiBuildVersion', () => {
  it('picks the highest listed version this Node supports, as node-pre-gyp does', () => {
    assert.equal(napiBuildVersion([3, 4, 5, 6, 7, 8], 9), 8);
    assert.equal(napiBuildVersion([3, 4, 5, 6, 7, 8], 6), 6);
    assert.throws(() => napiBuildVersion([7, 8], 6), /6/);
  });
});

describe('builtTfjsNode', () => {
  it('sees a build only once the addon exists, and then gives the folder for NODE_PATH', () => {
    const build = tempDir();
    const before = builtTfjsNode(build);
    assert.equal(before.ok, false);
    const lib = path.join(peerModules(build), '@tensorflow', 'tfjs-node', 'lib', 'napi-v8');
    fs.mkdirSync(lib, { recursive: true });
    assert.equal(builtTfjsNode(build).ok, false);
    fs.writeFileSync(path.join(lib, 'tfjs_binding.node'), '');
    assert.deepEqual(builtTfjsNode(build), { ok: true, nodePath: peerModules(build) });
  });

  it('takes the build folder from TRANSFER_STUDIO_TFJS_NODE, else a cache folder', () => {
    assert.equal(tfjsNodeBuildDir({ TRANSFER_STUDIO_TFJS_NODE: '/opt/x' }), '/opt/x');
    assert.equal(tfjsNodeBuildDir({}), path.join(os.homedir(), '.cache', 'transfer-studio', 'tfjs-node'));
  });
});
