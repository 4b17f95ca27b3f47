"""Runs parts of the Ray job (src/ray/job_*.py) on one worker without Ray, for the tests.

ray_job_parts.py <start.keras> <batches.json>: the job's training step on given batches (batches.json:
  {boundary, frozen, optimizer, learningRate, batches: [{x: [[...]], y: [label, ...]}]}); prints each step's
  loss and whether the part above the cut ran as the job's torch head: {"losses": [...], "torchHead": bool}.
ray_job_parts.py --order <labels.json> <seed> <epoch> <balanced 0|1>: one epoch's order (job_order.epoch_order).
ray_job_parts.py --cache <folder>: a small model's frozen part through job_cache.cached_values three times
  (cold, warm, another runtime); prints the job's cache lines and then the largest difference between the
  cached values and the frozen part run directly.
ray_job_parts.py --two-cuts <folder>: the head's cut values of a two-phase job (the second phase's cut lies
  under the head's); prints how many examples the base's first layer saw and the largest difference from the
  head's frozen part run directly.
"""

import json
import os
import sys

os.environ["KERAS_BACKEND"] = "torch"
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "../../src/ray"))

import numpy as np  # noqa: E402

import job_order  # noqa: E402

if sys.argv[1] == "--order":
    with open(sys.argv[2]) as f:
        labels = np.array(json.load(f))
    seed, epoch, balanced = int(sys.argv[3]), int(sys.argv[4]), sys.argv[5] == "1"
    print(json.dumps(job_order.epoch_order(labels, balanced, seed, epoch)))
    sys.exit(0)

import keras  # noqa: E402
import torch  # noqa: E402

import job_cache  # noqa: E402
import job_head  # noqa: E402
import job_train  # noqa: E402


class CountedConv(keras.layers.Conv2D):
    """A conv that counts the examples it sees: how often the base ran."""
    examples = 0

    def call(self, inputs):
        CountedConv.examples += int(inputs.shape[0])
        return super().call(inputs)


def small_model():
    inputs = keras.Input((4, 4, 1))
    x = CountedConv(2, 3, name="conv")(inputs)
    x = keras.layers.ReLU(name="relu")(x)
    x = keras.layers.GlobalAveragePooling2D(name="pool")(x)
    return keras.Model(inputs, keras.layers.Dense(3, activation="softmax", name="out")(x))


if sys.argv[1] == "--two-cuts":
    # A head phase cut at "pool" and a second phase cut at "conv" (below it), as a two-phase run has them;
    # each phase's values asked for in turn, as the job does.
    full = small_model()
    rng = np.random.RandomState(0)
    data = {"train": (rng.randint(0, 255, (5, 4, 4, 1)).astype(np.uint8), np.zeros(5))}
    keys = {"train": ["a", "b", "c", "d", "e"]}
    phases = [{"cut": {"boundary": "pool", "key": '["pool"]'}}, {"cut": {"boundary": "conv", "key": '["conv"]'}}]
    w = {"np": np, "torch": torch, "dist": None, "rank": 0, "world": 1, "device": torch.device("cpu"),
         "root": sys.argv[2], "runtime": "runtime one"}
    computed = {}
    values = job_cache.phase_values(keras, w, full, phases, 0, data, keys, computed)
    job_cache.phase_values(keras, w, full, phases, 1, data, keys, computed)
    ran = CountedConv.examples
    direct = job_cache.part_below(keras, full, "pool")(torch.tensor(data["train"][0], dtype=torch.float32))
    difference = float(np.abs(values["train"] - direct.detach().numpy()).max())
    print(json.dumps({"baseExamples": ran, "difference": difference}))
    sys.exit(0)

if sys.argv[1] == "--cache":
    full = small_model()
    bottom = job_cache.part_below(keras, full, "pool")
    rng = np.random.RandomState(0)
    data = {"train": (rng.randint(0, 255, (5, 4, 4, 1)).astype(np.uint8), np.zeros(5)),
            "test": (rng.randint(0, 255, (3, 4, 4, 1)).astype(np.uint8), np.zeros(3))}
    # Rows 1 and 4 of train hold the same content, and test's row 0 is train's row 0: 6 distinct examples.
    data["train"][0][4] = data["train"][0][1]
    data["test"][0][0] = data["train"][0][0]
    keys = {"train": ["a", "b", "c", "d", "b"], "test": ["a", "e", "f"]}
    cut = {"boundary": "pool", "key": '["base", "pool", "avg", {"size": [4, 4]}]'}
    w = {"np": np, "torch": torch, "dist": None, "rank": 0, "world": 1, "device": torch.device("cpu"),
         "root": sys.argv[2], "runtime": "runtime one"}
    job_cache.cached_values(w, cut, bottom, data, keys)
    values = job_cache.cached_values(w, cut, bottom, data, keys)
    job_cache.cached_values({**w, "runtime": "runtime two"}, cut, bottom, data, keys)
    direct = {k: bottom(torch.tensor(v[0], dtype=torch.float32)).detach().numpy() for k, v in data.items()}
    print(json.dumps(max(float(np.abs(values[k] - direct[k]).max()) for k in data)))
    sys.exit(0)

with open(sys.argv[2]) as f:
    spec = json.load(f)
full = keras.saving.load_model(sys.argv[1], compile=False)
job_cache.keep_inference_mode(keras, full)
frozen = set(spec["frozen"])
for layer in full.layers:
    layer.trainable = layer.name not in frozen
model = job_head.trainable_part(keras, torch, full, spec["boundary"])
params = [q for q in model.parameters() if q.requires_grad]
optimizer = job_train.make_optimizer(torch, spec["optimizer"], params, spec["learningRate"])
losses = []
for b in spec["batches"]:
    x = torch.tensor(b["x"], dtype=torch.float32)
    y = torch.tensor(b["y"], dtype=torch.int64)
    loss, _ = job_train.train_step(torch, model, optimizer, x, y)
    losses.append(float(loss))
print(json.dumps({"losses": losses, "torchHead": not isinstance(model, keras.Model)}))
