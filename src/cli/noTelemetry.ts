// Imported first by main.ts, for its side effect: a bundle evaluates modules in import order, and ONNX Runtime
// reads its telemetry switch once, when it loads. The trainer children inherit it too.
import { NO_TELEMETRY_ENV } from '../shared/privateEnv';

Object.assign(process.env, NO_TELEMETRY_ENV);
