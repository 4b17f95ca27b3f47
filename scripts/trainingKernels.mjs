// Compiles the AssemblyScript training kernels (kernels/index.ts) to one small WASM module with SIMD.
// The module must import the tfjs backend's memory and nothing else, and carry no data of its own: it runs
// inside another module's heap (src/trainer/backend/trainingKernels.ts), where a data segment would
// overwrite the backend's memory. The build refuses an output that breaks either rule.
import asc from 'assemblyscript/asc';
import fs from 'node:fs';
import path from 'node:path';
import v8 from 'node:v8';

// Node 20 compiles relaxed SIMD only behind this flag (standard from Node 22); the check below compiles.
v8.setFlagsFromString('--experimental-wasm-relaxed-simd');

const DATA_SECTION = 11;

/** Builds dist/trainingKernels.wasm (SIMD) and dist/trainingKernelsRelaxed.wasm (SIMD and relaxed SIMD). */
export async function buildTrainingKernels(root, dist) {
  await buildOne(root, path.join(dist, 'trainingKernels.wasm'), ['simd']);
  await buildOne(root, path.join(dist, 'trainingKernelsRelaxed.wasm'), ['simd', 'relaxed-simd']);
}

async function buildOne(root, outFile, features) {
  const { error, stderr } = await asc.main([
    path.join(root, 'kernels/index.ts'),
    ...['-O3', '--runtime', 'stub', '--importMemory', '--noExportMemory', '--noAssert'],
    ...features.flatMap((f) => ['--enable', f]),
    // No abort import: the kernels never throw (shapes are checked before they are called).
    ...['--use', 'abort=', '--outFile', outFile],
  ]);
  if (error) throw new Error(`AssemblyScript failed on kernels/index.ts: ${error.message}\n${stderr.toString()}`);
  const bytes = fs.readFileSync(outFile);
  const imports = WebAssembly.Module.imports(new WebAssembly.Module(bytes));
  const onlyMemory = imports.length === 1 && imports[0].kind === 'memory';
  if (!onlyMemory || sectionIds(bytes).includes(DATA_SECTION)) {
    throw new Error(`${outFile} must import one memory and hold no data segment.`);
  }
}

/** The ids of a WASM binary's sections, in order (magic and version are 8 bytes; sizes are LEB128). */
function sectionIds(bytes) {
  const ids = [];
  let at = 8;
  while (at < bytes.length) {
    ids.push(bytes[at++]);
    let size = 0;
    for (let shift = 0; ; shift += 7) {
      const b = bytes[at++];
      size += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) break;
    }
    at += size;
  }
  return ids;
}
