"""A keras.applications base nested inside the user's model, as people build it for fine-tuning: once in a
Sequential, once in a Functional model; saved as .keras and .h5, with Keras' outputs (from the saved file as
Keras loads it) on a fixed random input.

usage: make_nested_keras.py OUT_DIR
"""
import os
import sys

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402

import keras  # noqa: E402

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
keras.utils.set_random_seed(3)
base = keras.applications.MobileNetV2(input_shape=(32, 32, 3), weights=None, include_top=False)
seq = keras.Sequential([keras.Input((32, 32, 3)), base, keras.layers.GlobalAveragePooling2D(name="pool"),
                        keras.layers.Dense(3, name="out")], name="seq")
image = keras.Input((32, 32, 3), name="image")
pooled = keras.layers.GlobalAveragePooling2D(name="gap")(base(image, training=False))
fun = keras.Model(image, keras.layers.Dense(3, name="fc")(pooled), name="fun")
x = np.random.default_rng(0).uniform(-1, 1, (2, 32, 32, 3)).astype("float32")
np.save(os.path.join(out, "input.npy"), x.reshape(2, -1))
for name, model in (("seq", seq), ("fun", fun)):
    for ext in ("keras", "h5"):
        model.save(os.path.join(out, f"{name}.{ext}"))
    saved = keras.saving.load_model(os.path.join(out, f"{name}.keras"))
    np.save(os.path.join(out, f"{name}.out.npy"), saved.predict(x, verbose=0).astype("float32"))
