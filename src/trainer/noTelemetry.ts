// Imported first by the trainer's and the bench's entries, for its side effect: a bundle evaluates modules in
// import order, and ONNX Runtime reads its telemetry switch once, when it loads. Worker threads started later
// copy this environment. The host sets it in the fork's environment as well; this covers any other starter.
import { NO_TELEMETRY_ENV } from '../shared/privateEnv';

Object.assign(process.env, NO_TELEMETRY_ENV);
