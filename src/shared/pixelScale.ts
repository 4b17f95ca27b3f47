// How raw 0–255 pixel values become model input, per preprocessing scale: one formula for the engine's
// decoder and for the scaling layer every exported model (Keras, ONNX) carries inside itself.
import type { Preprocessing } from './engineTypes';

/** input = pixel · multiply + add. */
export interface PixelScale {
  multiply: number;
  add: number;
}

export function pixelScale(scale: Preprocessing['scale']): PixelScale {
  if (scale === 'unit') return { multiply: 1 / 255, add: 0 };
  if (scale === 'symmetric') return { multiply: 2 / 255, add: -1 };
  return { multiply: 1, add: 0 };
}
