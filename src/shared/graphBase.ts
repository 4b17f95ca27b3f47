// What the host, the panel and the trainer say about a TF.js graph model used as a base (the trainer wraps it
// as one weightless layer, src/trainer/interchange/graphBase.ts). Here so the host can say it without tfjs.

/** Class name of the layer standing for a graph model in a saved model.json. */
export const GRAPH_LAYER_CLASS = 'GraphModelFeatures';
/** That layer's name, as the Layers view and `transfer-studio layers` show it. */
export const GRAPH_LAYER_NAME = 'graph_model_frozen';
/** Said wherever the base is described: what a graph base can and cannot do. */
export const GRAPH_BASE_NOTE =
  'TensorFlow.js graph model: used as a frozen feature extractor; its layers cannot be unfrozen.';
