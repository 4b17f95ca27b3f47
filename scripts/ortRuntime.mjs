// onnxruntime-node's run-time files for a vsce target. The npm package carries the CPU library of every
// platform it supports (≈ 290 MB in all); a VSIX gets only its own platform's folder of bin/napi-v6, the
// JavaScript of onnxruntime-node and onnxruntime-common (CommonJS only), and nothing of the install script
// (which would download GPU providers). A target ONNX Runtime ships no binary for (darwin-x64, musl Linux)
// gets no ONNX Runtime at all: the trainer then runs the frozen part on WASM (src/trainer/runtime).
import fs from 'node:fs';
import path from 'node:path';
import { targetPlatform } from './sharpRuntime.mjs';

/** bin/napi-v6/<os>/<cpu> of a target, or undefined when onnxruntime-node ships none for it. */
export function ortBinaryFolder(root, target) {
  const t = targetPlatform(target);
  if (t.libc === 'musl') return undefined; // its Linux binaries are built against glibc
  const rel = path.join('bin', 'napi-v6', t.os, t.cpu);
  return fs.existsSync(path.join(root, 'node_modules/onnxruntime-node', rel)) ? rel : undefined;
}

/**
 * ONNX Runtime's packages for `target` as a map name → { dir, skip(src) }, empty when the target has no binary.
 * Both packages come from this repository's node_modules: the npm package is the same for every platform.
 */
export function ortRuntime({ root, target }) {
  const found = new Map();
  const binary = ortBinaryFolder(root, target);
  if (!binary) return found;
  const node = path.join(root, 'node_modules/onnxruntime-node');
  const common = path.join(root, 'node_modules/onnxruntime-common');
  const keep = (dir, wanted) => (src) => {
    const rel = path.relative(dir, src);
    if (rel === '' || rel === 'package.json' || /^(README|LICENSE)/i.test(rel)) return false;
    if (/\.(d\.ts|map)$/.test(rel)) return true;
    // macOS: npm ships libonnxruntime.1.dylib twice (as .1 and as .1.30.0, byte for byte the same); the binding
    // loads @rpath/libonnxruntime.1.dylib only.
    if (/libonnxruntime\.\d+\.\d+\.\d+\.dylib$/.test(rel)) return true;
    // Folders on the way to a wanted one are kept (their other content is skipped one by one).
    return !wanted.some((w) => rel === w || rel.startsWith(w + path.sep) || w.startsWith(rel + path.sep));
  };
  found.set('onnxruntime-node', { dir: node, skip: keep(node, ['dist', binary]) });
  found.set('onnxruntime-common', { dir: common, skip: keep(common, [path.join('dist', 'cjs')]) });
  return found;
}
