# The peer a user would run instead of Transfer Studio: a plain Keras 3 script doing what the Keras
# transfer-learning guide does (frozen base called with training=False, global average pooling, a softmax
# head, then a second phase with the top blocks unfrozen at a low learning rate), on the same images and the
# same MobileNetV2 (our built-in base, read the way Keras 3 reads a TF.js topology, its weights taken from the
# manifest by name). For measuring only: `npm run bench -- --native` runs it and reads the JSON it prints.
#
# Jobs: extract DIR (decode every image, features at out_relu + average pooling), finetune DIR (second phase
# from --unfreeze, --epochs, --batch, --augment; images decoded before the clock starts, as in the guide), peak (the
# multiply-add rate of a large float32 matmul on every core).
import argparse
import json
import os
import sys
import time

import numpy as np


def load_base(model_json):
    import keras
    from keras.src.legacy.saving import saving_utils

    with open(model_json) as f:
        spec = json.load(f)
    topology = spec['modelTopology']
    base = saving_utils.model_from_config(topology.get('model_config', topology))
    values = {}
    folder = os.path.dirname(model_json)
    for group in spec['weightsManifest']:
        data = b''.join(open(os.path.join(folder, p), 'rb').read() for p in group['paths'])
        offset = 0
        for w in group['weights']:
            count = int(np.prod(w['shape'])) if w['shape'] else 1
            q = w.get('quantization')
            if q:
                width = np.dtype(q['dtype']).itemsize
                raw = np.frombuffer(data, dtype=q['dtype'], count=count, offset=offset).astype(np.float32)
                arr = raw * q['scale'] + q['min'] if 'scale' in q else raw
            else:
                width = 4
                arr = np.frombuffer(data, dtype=w['dtype'], count=count, offset=offset)
            offset += width * count
            values[w['name']] = arr.reshape(w['shape'])
    assigned = 0
    for layer in base.layers:
        for v in layer.weights:
            # Keras 3 calls a depthwise kernel 'kernel'; TF.js keeps Keras 2's 'depthwise_kernel'.
            for name in (f'{layer.name}/{v.name}', f'{layer.name}/depthwise_{v.name}'):
                if name in values:
                    v.assign(values[name])
                    assigned += 1
                    break
    if assigned != len(values):
        sys.exit(f'{model_json}: assigned {assigned} of {len(values)} weights by name')
    # The built-in model ends in its own classifier; the guide's base ends at the last activation.
    return keras.Model(base.inputs, base.get_layer('out_relu').output), keras


def images_of(folder):
    classes = sorted(d for d in os.listdir(folder) if os.path.isdir(os.path.join(folder, d)))
    files = [(os.path.join(folder, c, f), i) for i, c in enumerate(classes)
             for f in sorted(os.listdir(os.path.join(folder, c))) if f.lower().endswith('.png')]
    return files, len(classes)


def decode(files):
    from PIL import Image

    x = np.empty((len(files), 224, 224, 3), np.float32)
    for i, (path, _) in enumerate(files):
        x[i] = np.asarray(Image.open(path).convert('RGB').resize((224, 224), Image.BILINEAR), np.float32) / 255
    return x


def extract(args):
    base, keras = load_base(args.model)
    features = keras.Model(base.inputs, keras.layers.GlobalAveragePooling2D()(base.output))
    files, _ = images_of(args.data)
    t0 = time.perf_counter()
    x = decode(files)
    t1 = time.perf_counter()
    features.predict(x, batch_size=args.batch, verbose=0)
    t2 = time.perf_counter()
    return {'images': len(files), 'seconds': t2 - t0, 'decodeSeconds': t1 - t0}


def augment(keras, spec):
    """The guide's augmentation layers in front of the base (active in training only), as Transfer Studio's
    augmentation: flip,rotation degrees,crop fraction,brightness fraction (e.g. 1,10,0.1,0.1); none when empty."""
    if not spec:
        return lambda x: x
    flip, rotation, crop, brightness = (float(v) for v in spec.split(','))
    layers = [keras.layers.RandomFlip('horizontal')] if flip else []
    if rotation:
        layers.append(keras.layers.RandomRotation(rotation / 360, fill_mode='constant', fill_value=0.0))
    if crop:  # zooming in by up to `crop` is cropping that much of the borders and resizing back
        layers.append(keras.layers.RandomZoom((-crop, 0.0)))
    if brightness:
        layers.append(keras.layers.RandomBrightness(brightness, value_range=(0.0, 1.0)))
    return keras.Sequential(layers)


def finetune(args):
    base, keras = load_base(args.model)
    files, classes = images_of(args.data)
    x = decode(files)
    y = keras.utils.to_categorical([label for _, label in files], classes)
    inputs = keras.Input((224, 224, 3))
    # The guide's pattern: BatchNorm of the base stays in inference mode even when its layers train.
    pooled = keras.layers.GlobalAveragePooling2D()(base(augment(keras, args.augment)(inputs), training=False))
    model = keras.Model(inputs, keras.layers.Dense(classes, activation='softmax')(pooled))
    base.trainable = True
    names = [layer.name for layer in base.layers]
    cut = names.index(args.unfreeze)
    for layer in base.layers[:cut]:
        layer.trainable = False
    model.compile(optimizer=keras.optimizers.Adam(1e-5), loss='categorical_crossentropy', metrics=['accuracy'])
    t0 = time.perf_counter()
    model.fit(x, y, batch_size=args.batch, epochs=args.epochs, verbose=0, shuffle=True)
    return {'images': len(files), 'epochs': args.epochs, 'seconds': time.perf_counter() - t0}


def peak(args):
    import tensorflow as tf

    n = 2048
    a = tf.random.uniform((n, n))
    b = tf.random.uniform((n, n))
    tf.linalg.matmul(a, b).numpy()
    best = float('inf')
    for _ in range(args.repeats):
        t0 = time.perf_counter()
        tf.linalg.matmul(a, b).numpy()
        best = min(best, time.perf_counter() - t0)
    return {'macs': n ** 3, 'seconds': best, 'threads': os.cpu_count()}


def main():
    p = argparse.ArgumentParser()
    p.add_argument('job', choices=['extract', 'finetune', 'peak'])
    p.add_argument('--data')
    p.add_argument('--model')
    p.add_argument('--epochs', type=int, default=9)
    p.add_argument('--batch', type=int, default=16)
    p.add_argument('--unfreeze', default='block_15_expand')
    p.add_argument('--augment', default='')
    p.add_argument('--repeats', type=int, default=5)
    args = p.parse_args()
    out = {'extract': extract, 'finetune': finetune, 'peak': peak}[args.job](args)
    import keras
    import tensorflow as tf

    out.update(keras=keras.__version__, tensorflow=tf.__version__, backend=keras.backend.backend())
    print(json.dumps(out))


if __name__ == '__main__':
    main()
