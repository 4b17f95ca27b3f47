import { EngineError } from '../engineError';
import type { ExportGraph } from './exportGraph';

export async function onnxFileBytes(graph: ExportGraph): Promise<Uint8Array> {
  throw new EngineError(`ONNX export of ${graph.runDir} is not ready yet.`);
}
