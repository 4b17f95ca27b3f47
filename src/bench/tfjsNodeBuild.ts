// Where the tfjs-node peer of the bench comes from when npm could not install it: a build from source against
// the C library inside TensorFlow's Python wheel (scripts/build-tfjs-node.ts). For measuring only; the
// product never looks here. Shared by the build script and the bench so both agree on the folder and names.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The folder the build script fills: TRANSFER_STUDIO_TFJS_NODE, else a cache folder in the home directory. */
export function tfjsNodeBuildDir(env: NodeJS.ProcessEnv = process.env): string {
  const dir = env.TRANSFER_STUDIO_TFJS_NODE;
  return dir ? path.resolve(dir) : path.join(os.homedir(), '.cache', 'transfer-studio', 'tfjs-node');
}

/**
 * The folder to put on NODE_PATH so `require('@tensorflow/tfjs-node')` finds the build. The package sits
 * beside links to our own @tensorflow packages, so it loads the same tfjs-core files as the job code.
 */
export function peerModules(buildDir: string): string {
  return path.join(buildDir, 'peer', 'node_modules');
}

/** The package folder of the built tfjs-node inside a build folder. */
export function peerPackage(buildDir: string): string {
  return path.join(peerModules(buildDir), '@tensorflow', 'tfjs-node');
}

/** NODE_PATH for a child that should load the built tfjs-node, or why there is no usable build. */
export function builtTfjsNode(buildDir: string): { ok: true; nodePath: string } | { ok: false; reason: string } {
  const lib = path.join(peerPackage(buildDir), 'lib');
  const addon = fs.existsSync(lib)
    ? fs
        .readdirSync(lib)
        .filter((d) => /^napi-v\d+$/.test(d))
        .map((d) => path.join(lib, d, 'tfjs_binding.node'))
        .find((f) => fs.existsSync(f))
    : undefined;
  if (!addon) return { ok: false, reason: `no tfjs_binding.node under ${lib}` };
  return { ok: true, nodePath: peerModules(buildDir) };
}

/** The two shared libraries of a TensorFlow wheel that hold the C API (`tensorflow/` inside the wheel). */
export const WHEEL_LIBRARIES = ['libtensorflow_cc', 'libtensorflow_framework'] as const;

/**
 * Which names tfjs-node's `deps/lib` needs, each mapped to a library file in `wheelLibDir`. binding.gyp links
 * `-ltensorflow -ltensorflow_framework` (so the unversioned `.so` names must exist at link time) and sets an
 * rpath to deps/lib, where the loader then asks for the libraries' sonames (`libtensorflow_cc.so.2`,
 * `libtensorflow_framework.so.2`). `libtensorflow.so.2` is the name a libtensorflow download would have
 * used; the wheel's libtensorflow_cc carries the same C API, so it stands in for it. Throws when the wheel
 * lacks a library or holds two major versions of one.
 */
export function libraryLinks(wheelLibDir: string): Record<string, string> {
  const files = fs.readdirSync(wheelLibDir);
  const found = WHEEL_LIBRARIES.map((base) => {
    const matches = files.filter((f) => new RegExp(`^${base}\\.so\\.\\d+$`).test(f));
    if (matches.length !== 1)
      throw new Error(`${wheelLibDir}: expected one ${base}.so.<major>, found ${matches.length ? matches : 'none'}.`);
    return { base, file: matches[0], major: matches[0].slice(`${base}.so.`.length) };
  });
  const [cc, framework] = found;
  return {
    'libtensorflow.so': cc.file,
    [`libtensorflow.so.${cc.major}`]: cc.file,
    [cc.file]: cc.file,
    'libtensorflow_framework.so': framework.file,
    [framework.file]: framework.file,
  };
}

/** The N-API version node-pre-gyp picks: the highest the package lists that this Node supports. */
export function napiBuildVersion(listed: readonly number[], supported: number): number {
  const usable = listed.filter((v) => v <= supported);
  if (!usable.length) throw new Error(`This Node supports N-API ${supported}; the package needs one of ${listed}.`);
  return Math.max(...usable);
}
