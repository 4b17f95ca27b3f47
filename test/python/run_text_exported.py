"""Runs an exported text model as a Python user would: its tokenizer.json in Hugging Face `tokenizers`,
the ONNX file (after onnx.checker) in onnxruntime. Prints the ids (padding dropped) and probabilities as JSON.

usage: run_text_exported.py MODEL.onnx TOKENIZER.json TEXTS.json
TEXTS.json: a list of raw texts (the tokenizer normalises them, as the engine does).
"""
import json
import sys

import numpy as np
import onnx
import onnxruntime as ort
from tokenizers import Tokenizer

model_path, tokenizer_path, texts_path = sys.argv[1:4]
onnx.checker.check_model(model_path, full_check=True)
tokenizer = Tokenizer.from_file(tokenizer_path)
encodings = tokenizer.encode_batch(json.load(open(texts_path, encoding="utf-8")))
input_ids = np.array([e.ids for e in encodings], dtype=np.int64)
attention_mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
session = ort.InferenceSession(model_path, providers=["CPUExecutionProvider"])
inputs = [i.name for i in session.get_inputs()]
probabilities = session.run(["probabilities"], {"input_ids": input_ids, "attention_mask": attention_mask})[0]
ids = [[i for i, m in zip(e.ids, e.attention_mask) if m] for e in encodings]
print(json.dumps({"inputs": inputs, "ids": ids, "probabilities": probabilities.tolist()}))
