"""Runs an exported lexical (TF-IDF) text model as a Python user would: the word tokenizer.json and the
character tokenizer.json in Hugging Face `tokenizers`, then the ONNX file (after onnx.checker) in onnxruntime
on input_ids and char_ids. Prints both id streams (padding dropped) and the probabilities as JSON.

usage: run_lexical_exported.py MODEL.onnx WORDS.tokenizer.json CHARS.tokenizer.json TEXTS.json
TEXTS.json: a list of raw texts (the tokenizers normalise them, as the engine does).
"""
import json
import sys

import numpy as np
import onnx
import onnxruntime as ort
from tokenizers import Tokenizer

model_path, words_path, chars_path, texts_path = sys.argv[1:5]
texts = json.load(open(texts_path, encoding="utf-8"))
words = Tokenizer.from_file(words_path).encode_batch(texts)
chars = Tokenizer.from_file(chars_path).encode_batch(texts)
onnx.checker.check_model(model_path, full_check=True)
session = ort.InferenceSession(model_path, providers=["CPUExecutionProvider"])
feed = {
    "input_ids": np.array([e.ids for e in words], dtype=np.int64),
    "char_ids": np.array([e.ids for e in chars], dtype=np.int64),
}
probabilities = session.run(["probabilities"], feed)[0]
unpadded = lambda encodings: [[i for i, m in zip(e.ids, e.attention_mask) if m] for e in encodings]
print(
    json.dumps(
        {
            "inputs": [i.name for i in session.get_inputs()],
            "ids": unpadded(words),
            "char_ids": unpadded(chars),
            "probabilities": probabilities.tolist(),
        }
    )
)
