"""Runs an exported model in a real loader on raw pixels; prints the probabilities as JSON.

usage: run_exported.py keras|onnx MODEL PIXELS.npy N H W C
PIXELS.npy holds N rows of H*W*C raw 0-255 values (float32), as the engine decoded the images.
For keras, KERAS_BACKEND picks tensorflow or torch.
"""
import json
import sys

import numpy as np

kind, model_path, pixels_path = sys.argv[1:4]
n, h, w, c = (int(v) for v in sys.argv[4:8])
pixels = np.load(pixels_path).astype(np.float32).reshape(n, h, w, c)

if kind == "keras":
    import keras

    model = keras.saving.load_model(model_path)
    probabilities = np.asarray(keras.ops.convert_to_numpy(model(pixels, training=False)))
    meta = {"backend": keras.backend.backend(), "layers": len(model.layers)}
elif kind == "onnx":
    import onnx
    import onnxruntime as ort

    onnx.checker.check_model(onnx.load(model_path), full_check=True)
    session = ort.InferenceSession(model_path, providers=["CPUExecutionProvider"])
    probabilities = session.run(["probabilities"], {"image": pixels})[0]
    props = session.get_modelmeta().custom_metadata_map
    meta = {"labels": json.loads(props.get("labels", "null"))}
else:
    raise SystemExit(f"unknown kind {kind}")

print(json.dumps({"probabilities": probabilities.tolist(), **meta}))
