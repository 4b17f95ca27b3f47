// Loaded by every test command (package.json: `--import`) before the test files: tests load ONNX Runtime in
// their own process too (export checks, the frozen runtime's units), and every process they start inherits this.
// The no-stray-writes test takes it out again on purpose: the product must set it by itself.
import { NO_TELEMETRY_ENV } from '../../src/shared/privateEnv';

Object.assign(process.env, NO_TELEMETRY_ENV);
