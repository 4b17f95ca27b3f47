// The Python that tests check the product against (real Keras 3, onnxruntime, Ray). scripts/setup-python.sh
// installs it; `npm test` runs that script first. A test that needs it fails when it is missing on CI and is
// skipped, saying why, on a developer machine that has not run the script.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pythonChildEnv } from '../../src/shared/privateEnv';

const CACHE = path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'transfer-studio');
const DEFAULT_ENV = path.join(CACHE, 'pyenv');

/** Absolute path of the test environment's python, or undefined when it is not installed. */
export function testPython(): string | undefined {
  const fromEnv = process.env.TRANSFER_STUDIO_TEST_PYTHON;
  if (fromEnv) return fromEnv;
  const candidate = path.join(process.env.TRANSFER_STUDIO_PYENV ?? DEFAULT_ENV, 'bin/python');
  return fs.existsSync(candidate) ? candidate : undefined;
}

/** `skip` option for node:test: a reason on a machine without the environment, never on CI. */
export function skipWithoutPython(): string | false {
  if (testPython()) return false;
  if (process.env.CI) throw new Error('CI must have the Python test environment: run scripts/setup-python.sh');
  return 'no Python test environment (run scripts/setup-python.sh)';
}

/** Runs `python script args…` in the test environment and returns its stdout; throws with stderr on failure. */
export function runPython(script: string, args: string[], env: NodeJS.ProcessEnv = {}): string {
  const python = testPython();
  if (!python) throw new Error('no Python test environment');
  return execFileSync(python, [script, ...args], {
    encoding: 'utf8',
    // Keras's keras.json goes into our cache folder beside the environment, not into ~/.keras.
    env: pythonChildEnv(process.env, CACHE, env),
    maxBuffer: 64 * 1024 * 1024,
  });
}
