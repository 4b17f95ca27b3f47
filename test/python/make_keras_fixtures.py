"""Keras model files for the import tests, made by real Keras 3 (not by the product).

For each keras.applications family: random weights (weights=None, fixed seed, then BatchNormalization and
Normalization statistics perturbed so they matter), the smallest input the family allows, 10 classes; saved
as .keras and legacy .h5, plus Keras' own output of the feature layer (the input of the last global pooling
, else of the last Flatten) on a few real photos. A stamp makes a second run return at once.

usage: make_keras_fixtures.py OUT_DIR PHOTOS_DIR FAMILY[,FAMILY...]|all
"""
import hashlib
import json
import os
import sys
import time

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
# TensorFlow 2.21's oneDNN custom ops died with SIGFPE here in predict() of MobileNetV2 right after ResNet50 in
# the same process (3 of 3 runs on a 2-core VM); with them off the same script passes. These are reference
# outputs, so the plain kernels serve as well.
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import numpy as np  # noqa: E402
from PIL import Image  # noqa: E402

import keras  # noqa: E402

# name -> (constructor, smallest input side that keras.applications accepts)
FAMILIES = {
    "MobileNet": ("MobileNet", 32),
    "MobileNetV2": ("MobileNetV2", 32),
    "MobileNetV3Small": ("MobileNetV3Small", 32),
    "MobileNetV3Large": ("MobileNetV3Large", 32),
    "EfficientNetB0": ("EfficientNetB0", 32),
    "EfficientNetB1": ("EfficientNetB1", 32),
    "EfficientNetB2": ("EfficientNetB2", 32),
    "ResNet50": ("ResNet50", 32),
    "ResNet50V2": ("ResNet50V2", 32),
    "VGG16": ("VGG16", 32),
    "InceptionV3": ("InceptionV3", 75),
    "DenseNet121": ("DenseNet121", 32),
    "Xception": ("Xception", 71),
}
PHOTOS = ["chelsea.png", "coffee.png", "astronaut.png"]
SEED = 11


def feature_layer(model):
    kinds = [type(l).__name__ for l in model.layers]
    pools = [l for l, k in zip(model.layers, kinds) if k in ("GlobalAveragePooling2D", "GlobalMaxPooling2D")]
    pools = pools or [l for l, k in zip(model.layers, kinds) if k == "Flatten"]
    return pools[-1]._inbound_nodes[0].input_tensors[0]._keras_history.operation.name


def perturb(model, rng):
    """weights=None leaves BatchNormalization at mean 0, variance 1: give the statistics real values."""
    for layer in model.layers:
        kind = type(layer).__name__
        if kind == "BatchNormalization":
            # center/scale may be off (InceptionV3 has no gamma): draw each variable by its role.
            draw = {"gamma": lambda n: rng.uniform(0.5, 1.5, n), "beta": lambda n: rng.normal(0, 0.1, n),
                    "moving_mean": lambda n: rng.normal(0, 0.1, n), "moving_variance": lambda n: rng.uniform(0.5, 1.5, n)}
            layer.set_weights([draw[w.name](w.shape).astype("float32") for w in layer.weights])
        elif kind == "Normalization":
            mean, var, count = layer.get_weights()
            layer.set_weights([rng.normal(0.4, 0.1, mean.shape).astype("float32"),
                               rng.uniform(0.05, 0.2, var.shape).astype("float32"), count])


def photos(photos_dir, side, raw):
    arrays = []
    for name in PHOTOS:
        img = Image.open(os.path.join(photos_dir, name)).convert("RGB").resize((side, side), Image.BILINEAR)
        arrays.append(np.asarray(img, dtype="float32"))
    x = np.stack(arrays)
    return x if raw else x * (2.0 / 255.0) - 1.0


def make(family, out_dir, photos_dir):
    ctor, side = FAMILIES[family]
    keras.utils.set_random_seed(SEED)
    model = getattr(keras.applications, ctor)(input_shape=(side, side, 3), weights=None, classes=10)
    perturb(model, np.random.default_rng(SEED))
    first = [l for l in model.layers if type(l).__name__ != "InputLayer"][0]
    raw = type(first).__name__ in ("Rescaling", "Normalization")
    x = photos(photos_dir, side, raw)
    name = feature_layer(model)
    base = os.path.join(out_dir, family)
    model.save(base + ".keras")
    model.save(base + ".h5")
    # Keras' outputs come from the saved file as Keras loads it: the model in memory can differ from its file
    # (Normalization keeps the statistics it was built with until finalize_state, whatever set_weights did).
    saved = keras.saving.load_model(base + ".keras")
    features = keras.Model(saved.inputs, saved.get_layer(name).output).predict(x, verbose=0)
    np.save(base + ".input.npy", x.reshape(len(x), -1))
    np.save(base + ".features.npy", features.reshape(len(x), -1).astype("float32"))
    return {"input": [side, side, 3], "featureLayer": name, "featureShape": list(features.shape[1:]),
            "scale": "raw" if raw else "symmetric", "params": int(model.count_params()),
            "layers": [l.name for l in model.layers]}


def main():
    out_dir, photos_dir, which = sys.argv[1], sys.argv[2], sys.argv[3]
    families = list(FAMILIES) if which == "all" else which.split(",")
    os.makedirs(out_dir, exist_ok=True)
    script = hashlib.sha256(open(__file__, "rb").read()).hexdigest()[:16]
    stamp_file = os.path.join(out_dir, "manifest.json")
    manifest = json.load(open(stamp_file)) if os.path.exists(stamp_file) else {}
    if manifest.get("script") != script or manifest.get("keras") != keras.__version__:
        manifest = {"script": script, "keras": keras.__version__, "families": {}}
    for family in families:
        files = [os.path.join(out_dir, family + s) for s in (".keras", ".h5", ".input.npy", ".features.npy")]
        if family in manifest["families"] and all(os.path.exists(f) for f in files):
            continue
        t = time.time()
        manifest["families"][family] = make(family, out_dir, photos_dir)
        manifest["families"][family]["seconds"] = round(time.time() - t, 1)
        with open(stamp_file + ".tmp", "w") as f:
            json.dump(manifest, f, indent=1)
        os.replace(stamp_file + ".tmp", stamp_file)
    print(json.dumps(manifest))


if __name__ == "__main__":
    main()
