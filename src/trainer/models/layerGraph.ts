// tfjs-layers keeps a functional model's wiring in each layer's inbound nodes; this reads it. Node 0 is the
// layer's first application (the model it was built in), which stays put when we apply layers again.
import type * as tf from '../tf';

interface InboundNode {
  inboundLayers: tf.layers.Layer[];
}

/** Names of the layers whose outputs feed `layer` in the graph it was first applied in. */
export function inboundLayerNames(layer: tf.layers.Layer): string[] {
  const nodes = (layer as unknown as { inboundNodes: InboundNode[] }).inboundNodes;
  return nodes.length ? nodes[0].inboundLayers.map((l) => l.name) : [];
}
