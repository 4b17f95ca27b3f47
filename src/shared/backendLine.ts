// The one line that says what runs, for every surface that says it (the CLI's first line, the panel's header),
// so none of them can claim a thread count or a runtime the others do not.
import type { BackendInfo } from './engineTypes';
import type { TrainingView } from './panelProtocol';
import { plural } from './plural';

/** "backend wasm (SIMD) · 2 threads · frozen part on ONNX Runtime"; the whole detail stays in the log. */
export function backendLine(b: BackendInfo): string {
  const simd = b.name === 'wasm' ? (/no SIMD/.test(b.detail) ? ' (no SIMD)' : ' (SIMD)') : '';
  const parts = [`backend ${b.name}${simd}`];
  if (b.threads) parts.push(plural(b.threads, 'thread'));
  if (b.frozenPart) parts.push(`frozen part on ${b.frozenPart === 'onnxruntime' ? 'ONNX Runtime' : b.name}`);
  return parts.join(' · ');
}

/** The panel's backend fields for what the trainer reported (nothing known yet: none). */
export function backendView(b: BackendInfo | undefined): Pick<TrainingView, 'backend' | 'backendDetail'> {
  if (!b) return { backend: undefined, backendDetail: undefined };
  // A Ray run's detail is already one short line: the cluster and its workers.
  return { backend: b.name === 'ray' ? b.detail : backendLine(b), backendDetail: b.detail };
}
