"""Runs an exported text model as a Python user would: its tokenizer.json in Hugging Face `tokenizers`, then
the ONNX file (after onnx.checker) in onnxruntime, or the .keras file in Keras 3 (KERAS_BACKEND picks the
backend) on input_ids alone (its Embedding masks the padding). Prints the ids (padding dropped) and
probabilities as JSON.

usage: run_text_exported.py MODEL.onnx|MODEL.keras TOKENIZER.json TEXTS.json
TEXTS.json: a list of raw texts (the tokenizer normalises them, as the engine does).
"""
import json
import sys

import numpy as np
from tokenizers import Tokenizer


def run_onnx(model_path, input_ids, attention_mask):
    import onnx
    import onnxruntime as ort

    onnx.checker.check_model(model_path, full_check=True)
    session = ort.InferenceSession(model_path, providers=["CPUExecutionProvider"])
    inputs = [i.name for i in session.get_inputs()]
    feed = {"input_ids": input_ids, "attention_mask": attention_mask}
    return inputs, session.run(["probabilities"], feed)[0]


def run_keras(model_path, input_ids, _attention_mask):
    import keras

    model = keras.saving.load_model(model_path)
    probabilities = keras.ops.convert_to_numpy(model(input_ids, training=False))
    return [t.name for t in model.inputs], probabilities


model_path, tokenizer_path, texts_path = sys.argv[1:4]
tokenizer = Tokenizer.from_file(tokenizer_path)
encodings = tokenizer.encode_batch(json.load(open(texts_path, encoding="utf-8")))
input_ids = np.array([e.ids for e in encodings], dtype=np.int64)
attention_mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
run = run_keras if model_path.endswith(".keras") else run_onnx
inputs, probabilities = run(model_path, input_ids, attention_mask)
ids = [[i for i, m in zip(e.ids, e.attention_mask) if m] for e in encodings]
print(json.dumps({"inputs": inputs, "ids": ids, "probabilities": np.asarray(probabilities).tolist()}))
