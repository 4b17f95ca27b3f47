// The environment every process we start gets, whatever the caller's environment says: no dependency writes a
// device id or an event store, and none reports usage. One place, so no spawner forgets a variable.
// ONNX Runtime's Linux and macOS builds keep 1DS telemetry (~/.cache/Microsoft/DeveloperTools/.onnxruntime/:
// a persistent device id and an event database) unless this is set before the library initialises.

/** An environment as Node's `process.env` holds it (typed here without Node, src/shared is compiled everywhere). */
export type Env = Record<string, string | undefined>;

/** Set in every Node process we run (the CLI, the trainer, the bench, the tests) and every child we start. */
export const NO_TELEMETRY_ENV: Readonly<Record<string, string>> = {
  ORT_DISABLE_TELEMETRY: '1',
};

/**
 * Where Python's Keras keeps keras.json (else ~/.keras), inside our cache folder (its keras/ holds converted bases).
 */
export const KERAS_HOME_FOLDER = 'keras-home';

/** A Node child's environment: the caller's, with telemetry off (last, so nothing overrides it). */
export function nodeChildEnv(base: Env, extra: Env = {}): Env {
  return { ...base, ...extra, ...NO_TELEMETRY_ENV };
}

/**
 * A Python child's environment (the Ray job, the peers of the bench, the tests' reference scripts): Keras writes
 * keras.json into our cache folder, Ray keeps its usage statistics to itself, ONNX Runtime's telemetry is off.
 */
export function pythonChildEnv(base: Env, cacheDir: string, extra: Env = {}): Env {
  // A forward slash is a separator for Python on every platform: no Node path module needed here.
  const kerasHome = `${cacheDir.replace(/[\\/]+$/, '')}/${KERAS_HOME_FOLDER}`;
  return { ...base, ...extra, KERAS_HOME: kerasHome, RAY_USAGE_STATS_ENABLED: '0', ...NO_TELEMETRY_ENV };
}
