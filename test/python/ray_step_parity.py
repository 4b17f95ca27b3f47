"""Runs the Ray job's own training step (src/ray/job_train.py) on given batches, one worker, no Ray.

Usage: ray_step_parity.py <start.keras> <batches.json>   batches.json: {boundary, frozen, optimizer,
learningRate, batches: [{x: [[...]], y: [label, ...]}]}. Prints the loss of each step as a JSON list.
Also: ray_step_parity.py --order <labels.json> <seed>: one balanced epoch order (job_train.epoch_order)."""

import json
import os
import sys

os.environ["KERAS_BACKEND"] = "torch"
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "../../src/ray"))

import numpy as np  # noqa: E402

import job_train  # noqa: E402

if sys.argv[1] == "--order":
    with open(sys.argv[2]) as f:
        labels = np.array(json.load(f))
    print(json.dumps(job_train.epoch_order(np, labels, True, int(sys.argv[3])).tolist()))
    sys.exit(0)

import keras  # noqa: E402
import torch  # noqa: E402

import job_cache  # noqa: E402

with open(sys.argv[2]) as f:
    spec = json.load(f)
full = keras.saving.load_model(sys.argv[1], compile=False)
job_cache.keep_inference_mode(keras, full)
frozen = set(spec["frozen"])
for layer in full.layers:
    layer.trainable = layer.name not in frozen
model = job_cache.part_above(keras, full, spec["boundary"])
params = [q for q in model.parameters() if q.requires_grad]
optimizer = job_train.make_optimizer(torch, spec["optimizer"], params, spec["learningRate"])
losses = []
for b in spec["batches"]:
    x = torch.tensor(b["x"], dtype=torch.float32)
    y = torch.tensor(b["y"], dtype=torch.int64)
    loss, _ = job_train.train_step(torch, model, optimizer, x, y)
    losses.append(float(loss))
print(json.dumps(losses))
