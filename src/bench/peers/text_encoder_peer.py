"""The peers of the bench's ONNX-encoder row: the same sentence-transformers folder encoded by Python's
onnxruntime (the folder's onnx/model.onnx, Hugging Face `tokenizers`, mean pooling and normalisation in numpy)
or by sentence-transformers itself on torch. Times the encoding of every text after one warm-up batch, as the
bench times ours (each pass a fresh process, ours too); prints one JSON line. Both run on THREADS threads, as
ours does: onnxruntime with the session options ours uses (that many intra-op threads, waiting threads spinning
when SPIN is 1; its own default started no extra thread on a 2-core machine), torch through
torch.set_num_threads.

usage: text_encoder_peer.py FOLDER TEXTS.json ort|torch BATCH THREADS SPIN
"""
import json
import os
import sys
import time

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TQDM_DISABLE", "1")


def onnxruntime_encoder(folder, max_length, threads, spin):
    import numpy as np
    import onnxruntime as ort
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(os.path.join(folder, "tokenizer.json"))
    tokenizer.enable_truncation(max_length)
    tokenizer.enable_padding(pad_id=0)
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.add_session_config_entry("session.intra_op.allow_spinning", spin)
    model = os.path.join(folder, "onnx", "model.onnx")
    session = ort.InferenceSession(model, options, providers=["CPUExecutionProvider"])
    names = [i.name for i in session.get_inputs()]

    def encode(texts):
        enc = tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in enc], dtype=np.int64)
        mask = np.array([e.attention_mask for e in enc], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in names:
            feeds["token_type_ids"] = np.zeros_like(ids)
        tokens = session.run(None, feeds)[0]
        m = mask[:, :, None].astype(np.float32)
        pooled = (tokens * m).sum(1) / np.clip(m.sum(1), 1e-9, None)
        return pooled / np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)

    return encode, f"onnxruntime {ort.__version__}"


def torch_encoder(folder, threads):
    import sentence_transformers
    import torch
    from sentence_transformers import SentenceTransformer

    torch.set_num_threads(threads)
    model = SentenceTransformer(folder, device="cpu")

    def encode(texts):
        with torch.no_grad():
            return model.encode(texts, batch_size=len(texts), convert_to_numpy=True)

    return encode, f"sentence-transformers {sentence_transformers.__version__}, torch {torch.__version__}"


def main():
    folder, texts_path, mode = sys.argv[1], sys.argv[2], sys.argv[3]
    batch, threads, spin = int(sys.argv[4]), int(sys.argv[5]), sys.argv[6]
    texts = json.load(open(texts_path, encoding="utf-8"))
    max_length = json.load(open(os.path.join(folder, "tokenizer_config.json")))["model_max_length"]
    if mode == "ort":
        encode, version = onnxruntime_encoder(folder, max_length, threads, spin)
    else:
        encode, version = torch_encoder(folder, threads)
    encode(texts[:batch])
    started = time.perf_counter()
    width = 0
    for at in range(0, len(texts), batch):
        width = encode(texts[at : at + batch]).shape[1]
    seconds = time.perf_counter() - started
    print(json.dumps({"seconds": seconds, "texts": len(texts), "width": width, "version": version}))


if __name__ == "__main__":
    main()
