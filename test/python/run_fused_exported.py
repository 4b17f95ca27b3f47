"""Runs an exported fused text model (the default) as a Python user would: GloVe's tokenizer.json (input_ids,
attention_mask), the word tokenizer.json (word_ids) and the character tokenizer.json (char_ids) in Hugging Face
`tokenizers`, then the ONNX file (after onnx.checker) in onnxruntime. Prints the three id streams (padding
dropped) and the probabilities as JSON.

usage: run_fused_exported.py MODEL.onnx GLOVE.tokenizer.json WORDS.tokenizer.json CHARS.tokenizer.json TEXTS.json
TEXTS.json: a list of raw texts (the tokenizers normalise them, as the engine does).
"""
import json
import sys

import numpy as np
import onnx
import onnxruntime as ort
from tokenizers import Tokenizer

model_path, glove_path, words_path, chars_path, texts_path = sys.argv[1:6]
texts = json.load(open(texts_path, encoding="utf-8"))
glove, words, chars = (Tokenizer.from_file(p).encode_batch(texts) for p in (glove_path, words_path, chars_path))
onnx.checker.check_model(model_path, full_check=True)
session = ort.InferenceSession(model_path, providers=["CPUExecutionProvider"])
ids = lambda encodings: np.array([e.ids for e in encodings], dtype=np.int64)
feed = {
    "input_ids": ids(glove),
    "attention_mask": np.array([e.attention_mask for e in glove], dtype=np.int64),
    "word_ids": ids(words),
    "char_ids": ids(chars),
}
probabilities = session.run(["probabilities"], feed)[0]
unpadded = lambda encodings: [[i for i, m in zip(e.ids, e.attention_mask) if m] for e in encodings]
print(
    json.dumps(
        {
            "inputs": [i.name for i in session.get_inputs()],
            "ids": unpadded(glove),
            "word_ids": unpadded(words),
            "char_ids": unpadded(chars),
            "probabilities": probabilities.tolist(),
        }
    )
)
