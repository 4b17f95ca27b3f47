// The one place the engine imports TensorFlow.js from, so every module shares one engine instance
// (core + layers + the backends we register).
import * as core from '@tensorflow/tfjs-core';
import * as layers from '@tensorflow/tfjs-layers';

export * from '@tensorflow/tfjs-core';
export * from '@tensorflow/tfjs-layers';
export { core, layers as tfl };
