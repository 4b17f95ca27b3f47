"""Runs exported models in real loaders on raw pixels and prints their probabilities as JSON.

usage: run_exported.py JOBS.json
JOBS.json: [{"kind": "keras" | "onnx", "model": path, "pixels": path.npy, "shape": [N, H, W, C]}, ...]
Each .npy holds N rows of H*W*C raw 0-255 values (float32), as the engine decoded the images.
KERAS_BACKEND picks the Keras backend (tensorflow or torch); ONNX models run in onnxruntime after
onnx.checker. Prints [{"probabilities": [[...], ...], ...details}, ...] in job order.
"""
import json
import sys

import numpy as np


def run_keras(model_path, pixels):
    import keras

    model = keras.saving.load_model(model_path)
    probabilities = keras.ops.convert_to_numpy(model(pixels, training=False))
    layers = {layer.name: [layer.__class__.__name__, layer.trainable] for layer in model.layers}
    return probabilities, {"backend": keras.backend.backend(), "layers": layers}


def run_onnx(model_path, pixels):
    import onnx
    import onnxruntime as ort

    model = onnx.load(model_path)
    onnx.checker.check_model(model, full_check=True)
    session = ort.InferenceSession(model_path, providers=["CPUExecutionProvider"])
    probabilities = session.run(["probabilities"], {"image": pixels})[0]
    metadata = {p.key: p.value for p in model.metadata_props}
    opset = [o.version for o in model.opset_import if o.domain in ("", "ai.onnx")]
    return probabilities, {"labels": json.loads(metadata["labels"]), "opset": opset[0]}


results = []
for job in json.load(open(sys.argv[1])):
    pixels = np.load(job["pixels"]).astype(np.float32).reshape(job["shape"])
    run = run_keras if job["kind"] == "keras" else run_onnx
    probabilities, details = run(job["model"], pixels)
    results.append({"probabilities": np.asarray(probabilities).tolist(), **details})
print(json.dumps(results))
