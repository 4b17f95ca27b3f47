"""The frozen part of a phase runs once per example, on the workers, into a cache that outlives the run.

A phase whose trainable layers sit above one tensor (the cut, named by Transfer Studio) trains on that tensor's
values: the features below the head, or the activations below the trainable top of a second phase. They are
computed in parallel (each worker takes its share of the missing examples) into a folder of the cluster's cache
keyed by the local cache key's parts (base files, cut, pooling, preprocessing) plus the runtime that computed
them, one file per example named by its content hash; a second run with the same base and data reads them.
"""

import hashlib
import json
import os
import time

from job_lines import say

# Examples per forward pass of the frozen part.
CHUNK = 32


def keep_inference_mode(keras, model):
    """BatchNorm normalizes with its moving statistics, as in the engine (keepInferenceMode in
    src/trainer/models/transferModel.ts): an unfrozen layer's scale and offset learn, its statistics stay the
    pretrained base's (batch statistics of a few images are far from them)."""
    for layer in model.layers:
        if isinstance(layer, keras.layers.BatchNormalization) and not getattr(layer, "_ts_inference", False):
            layer.call = (lambda inputs, training=None, mask=None, _call=layer.call:
                          _call(inputs, training=False, mask=mask))
            layer._ts_inference = True


def part_above(keras, full, boundary):
    """The layers above `boundary`, sharing their weights with `full`: what trains on the cached values."""
    return keras.Model(full.get_layer(boundary).output, full.output)


def part_below(keras, full, boundary):
    """Input → `boundary` (frozen): what runs once per example."""
    return keras.Model(full.input, full.get_layer(boundary).output)


def lies_under(keras, full, lower, upper):
    """True when `upper` is computed from `lower` alone: `upper` is among the layers above `lower`."""
    return lower != upper and any(l.name == upper for l in part_above(keras, full, lower).layers)


def part_between(keras, full, lower, upper):
    """`lower`'s output → `upper` (frozen in the phase that reads `upper`)."""
    return keras.Model(full.get_layer(lower).output, full.get_layer(upper).output)


def runtime_of(keras, torch, device):
    """What computed the cached values: part of the key, since another runtime may round differently."""
    return f"keras {keras.__version__} on torch {torch.__version__} ({device.type})"


def cache_folder(root, key, runtime):
    digest = hashlib.sha256(json.dumps([key, runtime]).encode()).hexdigest()[:16]
    return os.path.join(root, "ray-features", digest)


def _valid(file, nbytes):
    try:
        return os.path.getsize(file) == nbytes
    except OSError:
        return False


def _write_atomic(file, data):
    tmp = f"{file}.{os.getpid()}.tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, file)


def cached_values(w, cut, bottom, data, keys):
    """{split: float32 [n, ...]} of the cut's output for every example of every split, computing only what the
    cache lacks. `w` is the worker's context (np, torch, dist, rank, world, device, root, runtime)."""
    np, torch = w["np"], w["torch"]
    t0 = time.time()
    folder = cache_folder(w["root"], cut["key"], w["runtime"])
    os.makedirs(folder, exist_ok=True)
    shape = tuple(int(d) for d in bottom.output.shape[1:])
    nbytes = int(np.prod(shape)) * 4
    where = {}  # content key -> (split, row) of its first occurrence
    for split, ks in keys.items():
        for row, k in enumerate(ks):
            where.setdefault(k, (split, row))
    # One list for everyone: rank 0's view, so no example falls between two workers' views of a cache in flux.
    missing = [[k for k in where if not _valid(os.path.join(folder, k + ".f32"), nbytes)]]
    if w["world"] > 1:
        w["dist"].broadcast_object_list(missing, src=0)
    missing = missing[0]
    mine = missing[w["rank"]::w["world"]]
    last = time.time()
    with torch.no_grad():
        for i in range(0, len(mine), CHUNK):
            chunk = mine[i:i + CHUNK]
            x = np.stack([np.asarray(data[where[k][0]][0][where[k][1]], dtype=np.float32) for k in chunk])
            out = bottom(torch.from_numpy(x).to(w["device"]), training=False)
            values = np.asarray(out.detach().cpu().numpy(), dtype=np.float32)
            for k, v in zip(chunk, values):
                _write_atomic(os.path.join(folder, k + ".f32"), np.ascontiguousarray(v).tobytes())
            if w["rank"] == 0 and (time.time() - last > 0.5 or i + CHUNK >= len(mine)):
                last = time.time()
                done = min(len(missing), (i + len(chunk)) * w["world"])
                say({"type": "caching", "layer": cut["boundary"], "done": done, "total": len(missing)})
    if w["world"] > 1:
        w["dist"].barrier()
    values = {}
    for split, ks in keys.items():
        arr = np.empty((len(ks),) + shape, dtype=np.float32)
        for row, k in enumerate(ks):
            file = os.path.join(folder, k + ".f32")
            if not _valid(file, nbytes):
                raise RuntimeError(f"{file} is missing or not {nbytes} bytes after the workers computed it")
            arr[row] = np.fromfile(file, dtype=np.float32).reshape(shape)
        values[split] = arr
    if w["rank"] == 0:
        say({"type": "cache", "layer": cut["boundary"], "cached": len(where) - len(missing),
             "computed": len(missing), "folder": folder, "runtime": w["runtime"], "seconds": time.time() - t0})
    return values


def phase_values(keras, w, full, phases, p, pixels, keys, computed):
    """Phase p's cut values for every split, through the cache. When a later phase's cut lies under this one
    (a second phase's activations under the head's features), the base runs once, up to that lower cut, and
    these values come from the lower ones through the frozen layers between: the base is not run twice.
    `computed` holds values already computed in this job, by boundary."""
    cut = phases[p]["cut"]
    if cut["boundary"] in computed:
        return computed[cut["boundary"]]
    lower = next((q for q in range(p + 1, len(phases)) if phases[q].get("cut")
                  and lies_under(keras, full, phases[q]["cut"]["boundary"], cut["boundary"])), None)
    if lower is None:
        source, bottom = pixels, part_below(keras, full, cut["boundary"])
    else:
        below = phase_values(keras, w, full, phases, lower, pixels, keys, computed)
        source = {k: (below[k], pixels[k][1]) for k in pixels}
        bottom = part_between(keras, full, phases[lower]["cut"]["boundary"], cut["boundary"])
    computed[cut["boundary"]] = cached_values(w, cut, bottom, source, keys)
    return computed[cut["boundary"]]
