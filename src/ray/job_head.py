"""The recipe's head on cached features as plain torch: the same Keras variables, without Keras' call machinery.

A head phase trains a chain of Dense layers (and Dropout) on the cached features. Calling it as a Keras
functional model costs each step about 1.5 ms of Python (graph walk, argument checks, autocast scopes) for a few
microseconds of matrix products: most of a head epoch (measured on this machine: 1.9 ms against 0.4 ms a step
with one torch thread). Here each Dense is one `linear` on the layer's own torch parameters, so the optimizer,
DistributedDataParallel, the checkpoints and the saved model see the very variables Keras holds; anything else
above the cut (a second phase's convolutions and BatchNorms) keeps Keras' own call."""

from job_cache import part_above


def _activation(keras, torch, fn):
    """torch's form of the Keras activations a head uses; Keras' own function for any other."""
    if fn is keras.activations.softmax:
        return lambda y: torch.softmax(y, dim=-1)
    if fn is keras.activations.relu:
        return torch.relu
    if fn is keras.activations.linear:
        return lambda y: y
    return fn


def _chain(model):
    """The layers of `model` after its input, in order, when each reads the one before (walked in the model's
    own graph: a part cut out of a larger model shares its layers with it); None when the graph branches."""
    layers, previous = [], model.inputs[0]
    for depth in sorted(model._nodes_by_depth, reverse=True):
        nodes = [n for n in model._nodes_by_depth[depth] if n.operation and not n.is_input]
        if not nodes:
            continue
        if len(nodes) != 1 or len(nodes[0].input_tensors) != 1 or nodes[0].input_tensors[0] is not previous:
            return None
        layers.append(nodes[0].operation)
        previous = nodes[0].output_tensors[0]
    return layers if previous is model.outputs[0] else None


def torch_head(keras, torch, model):
    """A torch module that computes `model` (the part above a cut) with its own variables, or None when that
    part is not a chain of Dense and Dropout layers."""
    layers = _chain(model)
    if not layers or not all(isinstance(l, (keras.layers.Dense, keras.layers.Dropout)) for l in layers):
        return None
    if any(isinstance(l, keras.layers.Dense) and (l.quantization_mode or getattr(l, "lora_enabled", False))
           for l in layers):
        return None

    class Head(torch.nn.Module):
        def __init__(self):
            super().__init__()
            # The Keras variables' own torch Parameters (not copies): a step here is a step of the Keras model.
            own = [v.value for l in layers for v in l.weights]
            self.own = torch.nn.ParameterList(own)
            self.steps = []
            for l in layers:
                if isinstance(l, keras.layers.Dense):
                    bias = l.bias.value if l.use_bias else None
                    self.steps.append(("dense", l.kernel.value, bias, _activation(keras, torch, l.activation)))
                else:
                    self.steps.append(("dropout", l))

        def forward(self, x, training=False):
            for step in self.steps:
                if step[0] == "dense":
                    _, kernel, bias, act = step
                    x = act(torch.nn.functional.linear(x, kernel.t(), bias))
                else:
                    x = step[1].call(x, training=training)
            return x

    return Head()


def trainable_part(keras, torch, full, boundary):
    """What a phase cut at `boundary` trains: the torch head when the part above is a chain of Dense layers,
    else the Keras model of the layers above the cut (both share their weights with `full`)."""
    above = part_above(keras, full, boundary)
    return torch_head(keras, torch, above) or above
