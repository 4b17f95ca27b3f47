// The base a Ray job trains, as a Keras 3 file: written by the engine's Keras export, so the job starts from
// exactly the weights and layer names of the engine's base.
import { EngineError } from '../engineError';
import type { BaseModel } from '../models/baseModel';

export async function exportBaseToKeras(base: BaseModel, file: string): Promise<void> {
  throw new EngineError(`Exporting ${base.description.spec} to ${file} needs the Keras export, which this build lacks.`);
}
