"""Runs a sentence-transformers folder as its users do (torch): prints each text's token ids (as the model's
tokenizer gives them, truncated to the model's maximum length) and its sentence embedding as JSON.

usage: run_text_encoder.py FOLDER TEXTS.json
"""
import json
import os
import sys

# Nothing may come from a hub: the folder is all there is. No progress bars in the tests' output.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TQDM_DISABLE", "1")

import torch
from sentence_transformers import SentenceTransformer

folder, texts_path = sys.argv[1:3]
texts = json.load(open(texts_path, encoding="utf-8"))
torch.manual_seed(0)
model = SentenceTransformer(folder, device="cpu")
features = (model.preprocess if hasattr(model, "preprocess") else model.tokenize)(texts)
ids = [[int(i) for i, m in zip(row, mask) if m] for row, mask in zip(features["input_ids"], features["attention_mask"])]
with torch.no_grad():
    embeddings = model.encode(texts, batch_size=8, convert_to_numpy=True)
print(json.dumps({"ids": ids, "embeddings": embeddings.tolist(), "maxLength": model.max_seq_length}))
