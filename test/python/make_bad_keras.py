"""Keras-made files that are not importable, for the bad-input tests: a model with a layer Transfer Studio
cannot convert (UnitNormalization), and an HDF5 file that holds data but no model.

usage: make_bad_keras.py OUT_DIR
"""
import os
import sys

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import h5py  # noqa: E402
import numpy as np  # noqa: E402

import keras  # noqa: E402

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
inputs = keras.Input((8, 8, 3))
x = keras.layers.Conv2D(4, 3, name="conv")(inputs)
x = keras.layers.UnitNormalization(name="unit_norm")(x)
x = keras.layers.GlobalAveragePooling2D(name="pool")(x)
keras.Model(inputs, keras.layers.Dense(2, name="out")(x)).save(os.path.join(out, "unconvertible.keras"))
with h5py.File(os.path.join(out, "not_a_model.h5"), "w") as f:
    f.create_dataset("measurements", data=np.arange(12, dtype="float32").reshape(3, 4))
