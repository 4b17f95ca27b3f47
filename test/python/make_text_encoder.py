"""Makes a random-weight BERT sentence encoder, from one random init, both as a sentence-transformers folder
(torch) and as its ONNX export inside that folder (onnx/model.onnx), the way users bring their own encoder.
No weights or vocabulary are downloaded: the WordPiece vocabulary is trained on the given corpus.

usage: make_text_encoder.py OUT_DIR CORPUS.txt LAYERS HIDDEN HEADS INTERMEDIATE VOCAB MAX_LENGTH POOLING NORMALIZE
  POOLING: mean, cls or max; NORMALIZE: 1 adds sentence-transformers' Normalize module.
Prints one JSON line: what it made (or found: a stamp of the arguments lets a second run return at once).
"""
import hashlib
import json
import os
import shutil
import sys
import time

# Nothing may come from a hub: the folder is all there is. No progress bars in the tests' output.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TQDM_DISABLE", "1")
STAMP = ".encoder.json"


def stamp_of(argv):
    """The arguments, this script and the corpus: what the folder depends on (checked before torch loads)."""
    script = hashlib.sha256(open(__file__, "rb").read()).hexdigest()[:16]
    return {"args": argv[3:], "script": script, "corpusBytes": os.path.getsize(argv[2])}


def up_to_date(out, stamp):
    try:
        with open(os.path.join(out, STAMP), encoding="utf-8") as f:
            return json.load(f)["stamp"] == stamp
    except (OSError, ValueError, KeyError):
        return False


if __name__ == "__main__" and up_to_date(sys.argv[1], stamp_of(sys.argv)):
    print(json.dumps({"dir": sys.argv[1], "fresh": False}))
    sys.exit(0)

import torch
from sentence_transformers import SentenceTransformer, models
from tokenizers import Tokenizer, decoders, normalizers, pre_tokenizers, processors, trainers
from tokenizers.models import WordPiece
from transformers import BertConfig, BertModel, PreTrainedTokenizerFast

SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]


def train_tokenizer(corpus, vocab_size):
    tok = Tokenizer(WordPiece(unk_token="[UNK]", max_input_chars_per_word=100))
    tok.normalizer = normalizers.BertNormalizer(lowercase=True, strip_accents=None, clean_text=True)
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tok.decoder = decoders.WordPiece()
    trainer = trainers.WordPieceTrainer(vocab_size=vocab_size, special_tokens=SPECIALS, show_progress=False)
    tok.train([corpus], trainer)
    cls, sep = tok.token_to_id("[CLS]"), tok.token_to_id("[SEP]")
    tok.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", pair="[CLS] $A [SEP] $B:1 [SEP]:1", special_tokens=[("[CLS]", cls), ("[SEP]", sep)]
    )
    return tok


class TokenEmbeddings(torch.nn.Module):
    """The transformer called by keyword (its positional order changes between versions of transformers)."""

    def __init__(self, bert):
        super().__init__()
        self.bert = bert

    def forward(self, input_ids, attention_mask, token_type_ids):
        out = self.bert(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids)
        return out.last_hidden_state


def export_onnx(bert, out):
    """The transformer alone, as exporters of sentence-transformers models write it: token embeddings out."""
    os.makedirs(os.path.join(out, "onnx"), exist_ok=True)
    ids = torch.ones((2, 8), dtype=torch.long)
    args = (ids, torch.ones_like(ids), torch.zeros_like(ids))
    names = ["input_ids", "attention_mask", "token_type_ids"]
    axes = {n: {0: "batch", 1: "sequence"} for n in names}
    axes["last_hidden_state"] = {0: "batch", 1: "sequence"}
    torch.onnx.export(
        TokenEmbeddings(bert).eval(),
        args,
        os.path.join(out, "onnx", "model.onnx"),
        input_names=names,
        output_names=["last_hidden_state"],
        dynamic_axes=axes,
        opset_version=17,
        dynamo=False,
    )


def main():
    out, corpus = sys.argv[1], sys.argv[2]
    layers, hidden, heads, inner, vocab, max_length = (int(a) for a in sys.argv[3:9])
    pooling, normalize = sys.argv[9], sys.argv[10] == "1"
    stamp = stamp_of(sys.argv)
    started = time.time()
    shutil.rmtree(out, ignore_errors=True)
    torch.manual_seed(0)
    tok = train_tokenizer(corpus, vocab)
    config = BertConfig(
        vocab_size=tok.get_vocab_size(),
        hidden_size=hidden,
        num_hidden_layers=layers,
        num_attention_heads=heads,
        intermediate_size=inner,
        max_position_embeddings=max(512, max_length),
    )
    bert = BertModel(config, add_pooling_layer=False).eval()
    hf_dir = os.path.join(out, ".hf")
    bert.save_pretrained(hf_dir)
    fast = PreTrainedTokenizerFast(
        tokenizer_object=tok, unk_token="[UNK]", pad_token="[PAD]", cls_token="[CLS]", sep_token="[SEP]",
        mask_token="[MASK]", model_max_length=max_length,
    )
    fast.save_pretrained(hf_dir)
    transformer = models.Transformer(hf_dir, max_seq_length=max_length)
    modules = [transformer, models.Pooling(hidden, pooling_mode=pooling)]
    if normalize:
        modules.append(models.Normalize())
    SentenceTransformer(modules=modules, device="cpu").save(out)
    shutil.rmtree(hf_dir)
    export_onnx(bert, out)
    params = sum(p.numel() for p in bert.parameters())
    with open(os.path.join(out, STAMP), "w", encoding="utf-8") as f:
        json.dump({"stamp": stamp, "params": params}, f)
    print(json.dumps({"dir": out, "fresh": True, "params": params, "seconds": round(time.time() - started, 2)}))


if __name__ == "__main__":
    main()
