// The host is trusted, but a message event can carry anything (another extension's frame, a stale page):
// only well-formed host messages reach the panel.
import type { HostMessage } from '../src/shared/panelProtocol';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const PAYLOAD: Record<HostMessage['type'], (m: Record<string, unknown>) => boolean> = {
  snapshot: (m) =>
    isObject(m.snapshot) &&
    isObject(m.snapshot.choices) &&
    isObject(m.snapshot.training) &&
    Array.isArray(m.snapshot.history),
  choices: (m) => isObject(m.choices) && Array.isArray(m.choices.frozen) && isObject(m.choices.settings),
  dataset: (m) => isObject(m.dataset) && Array.isArray(m.dataset.classes),
  training: (m) => isObject(m.training) && typeof m.training.status === 'string',
  progress: (m) => Array.isArray(m.events),
  evaluation: (m) => isObject(m.evaluation) && isObject(m.evaluation.evaluation),
};

export function asHostMessage(data: unknown): HostMessage | undefined {
  if (!isObject(data) || typeof data.type !== 'string' || !Object.hasOwn(PAYLOAD, data.type)) return undefined;
  return PAYLOAD[data.type as HostMessage['type']](data) ? (data as unknown as HostMessage) : undefined;
}
