"""Runs an exported TF-IDF text model (lexical, or fused: the default) as a Python user would: each input's
tokenizer.json in Hugging Face `tokenizers`, then the ONNX file (after onnx.checker) in onnxruntime. A model
with an attention_mask input gets the mask of its input_ids stream. Prints each stream's ids (padding dropped),
keyed by its input's name, and the probabilities as JSON.

usage: run_streams_exported.py MODEL.onnx TEXTS.json INPUT=TOKENIZER.json [INPUT=TOKENIZER.json ...]
  lexical: input_ids=WORDS.tokenizer.json char_ids=CHARS.tokenizer.json
  fused:   input_ids=GLOVE.tokenizer.json word_ids=WORDS.tokenizer.json char_ids=CHARS.tokenizer.json
TEXTS.json: a list of raw texts (the tokenizers normalise them, as the engine does).
"""
import json
import sys

import numpy as np
import onnx
import onnxruntime as ort
from tokenizers import Tokenizer

model_path, texts_path, *streams = sys.argv[1:]
texts = json.load(open(texts_path, encoding="utf-8"))
encoded = {}
for stream in streams:
    name, tokenizer_path = stream.split("=", 1)
    encoded[name] = Tokenizer.from_file(tokenizer_path).encode_batch(texts)
onnx.checker.check_model(model_path, full_check=True)
session = ort.InferenceSession(model_path, providers=["CPUExecutionProvider"])
inputs = [i.name for i in session.get_inputs()]
feed = {name: np.array([e.ids for e in encodings], dtype=np.int64) for name, encodings in encoded.items()}
if "attention_mask" in inputs:
    feed["attention_mask"] = np.array([e.attention_mask for e in encoded["input_ids"]], dtype=np.int64)
probabilities = session.run(["probabilities"], feed)[0]
unpadded = lambda encodings: [[i for i, m in zip(e.ids, e.attention_mask) if m] for e in encodings]
result = {name: unpadded(encodings) for name, encodings in encoded.items()}
print(json.dumps({"inputs": inputs, **result, "probabilities": probabilities.tolist()}))
