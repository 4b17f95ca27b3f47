// TF.js layers that mean something else in Keras 3, or compute differently on one of its backends, written
// as several plain Keras nodes with exactly the TF.js meaning.
import { FIXED, type KerasGraph, type Shape } from './kerasGraph';

/**
 * TF.js's hard_sigmoid, clip(0.2x + 0.5, 0, 1), after node `from` (Keras 3's hard_sigmoid is
 * relu6(x + 3) / 6, another function). Returns the last node.
 */
export function hardSigmoidAfter(g: KerasGraph, from: string, shape: Shape): string {
  const affine = g.layer(
    'Rescaling',
    { name: g.unique(`${from}_hard_sigmoid_affine`), ...FIXED, scale: 0.2, offset: 0.5 },
    [from],
    shape,
  );
  return g.layer('ReLU', { name: g.unique(`${from}_hard_sigmoid_clip`), ...FIXED, max_value: 1 }, [affine], shape);
}

/** TF's `same` padding of one pooling: [[top, bottom], [left, right]] (the odd pixel goes after). */
export function samePadding(input: Shape, pool: number[], strides: number[]): [[number, number], [number, number]] {
  const [top, bottom, left, right] = [1, 2].flatMap((d, i) => {
    const size = input[d]!;
    const total = Math.max((Math.ceil(size / strides[i]) - 1) * strides[i] + pool[i] - size, 0);
    return [Math.floor(total / 2), total - Math.floor(total / 2)];
  });
  return [
    [top, bottom],
    [left, right],
  ];
}

/**
 * Average pooling with TF's `same` padding when the padding is uneven. TF divides each window by the
 * pixels inside the image. Keras 3.15's torch backend instead pads uneven windows by repeating edge pixels
 * and averages those too (backend/torch/nn.py, _apply_same_padding with mode "replicate"), so a plain
 * AveragePooling2D gives other numbers on torch. Written instead as: the average over zero-padded windows,
 * divided by the share of each window inside the image (the same pooling over ones), which both backends
 * compute alike. Returns the node that carries the result.
 */
export function exactSameAveragePooling(
  g: KerasGraph,
  name: string,
  from: string,
  pool: number[],
  strides: number[],
  shape: Shape,
): string {
  const input = g.shape(from);
  const padding = samePadding(input, pool, strides);
  const padded = [
    input[0],
    input[1]! + padding[0][0] + padding[0][1],
    input[2]! + padding[1][0] + padding[1][1],
    input[3],
  ];
  const pooling = { ...FIXED, pool_size: pool, strides, padding: 'valid', data_format: 'channels_last' };
  const zeroPad = (n: string, x: string) =>
    g.layer('ZeroPadding2D', { name: g.unique(n), ...FIXED, padding, data_format: 'channels_last' }, [x], padded);
  const sum = g.layer('AveragePooling2D', { name, ...pooling }, [zeroPad(`${name}_pad`, from)], shape);
  const ones = g.layer('Rescaling', { name: g.unique(`${name}_ones`), ...FIXED, scale: 0, offset: 1 }, [from], input);
  const inside = g.layer(
    'AveragePooling2D',
    { name: g.unique(`${name}_inside`), ...pooling },
    [zeroPad(`${name}_ones_pad`, ones)],
    shape,
  );
  return g.numpyOp('Divide', g.unique(`${name}_exact`), [sum, inside], shape);
}

/** Whether TF's `same` padding of this pooling is uneven on some side. */
export function unevenSamePadding(input: Shape, pool: number[], strides: number[]): boolean {
  return samePadding(input, pool, strides).some(([before, after]) => before !== after);
}
