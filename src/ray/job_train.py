"""The training loop every Ray Train worker runs (job.py submits it). Each phase trains either on the values
the frozen part left in the cluster's cache (job_cache.py) or, when no single tensor separates the frozen part
from the trainable one, on the pixels through the whole model."""

import hashlib
import json
import math
import os
import tempfile
import time

import job_checkpoint
from job_order import epoch_order
from job_cache import keep_inference_mode, phase_values, runtime_of
from job_head import trainable_part
from job_lines import say


def make_optimizer(torch, name, params, lr):
    # The same optimizers and settings as the local engine (src/trainer/train/fitLoop.ts, tfjs defaults).
    if name == "sgd":
        return torch.optim.SGD(params, lr=lr, momentum=0.9)
    if name == "rmsprop":
        return torch.optim.RMSprop(params, lr=lr, alpha=0.9, eps=1e-7)
    return torch.optim.Adam(params, lr=lr, betas=(0.9, 0.999), eps=1e-7)


def cross_entropy(torch, probs, y):
    """Keras' categorical cross-entropy of softmax outputs (probabilities clipped at 1e-7), mean over the batch."""
    return torch.nn.functional.nll_loss(torch.log(probs.clamp_min(1e-7)), y)


def train_step(torch, model, optimizer, x, y):
    """One optimizer step on a batch; the loss and the outputs it was computed from."""
    probs = model(x, training=True)
    loss = cross_entropy(torch, probs, y)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    return loss.detach(), probs.detach()


def flat_weights(np, model):
    return np.concatenate([np.asarray(w, dtype=np.float32).ravel() for w in model.get_weights()])


def write_weights(np, model, out):
    """weights.json + weights.bin: every layer's weights by layer name (float32, Keras order), so Transfer
    Studio can set them into its own TF.js model of the same recipe without reading HDF5."""
    entries, offset = [], 0
    with open(os.path.join(out, "weights.bin"), "wb") as f:
        for layer in model.layers:
            tensors = []
            for v in layer.weights:
                a = np.ascontiguousarray(np.asarray(v, dtype=np.float32))
                f.write(a.tobytes())
                tensors.append({"name": v.path, "shape": list(a.shape), "offset": offset})
                offset += a.nbytes
            if tensors:
                entries.append({"layer": layer.name, "weights": tensors})
    with open(os.path.join(out, "weights.json"), "w") as f:
        json.dump({"version": 1, "bytes": offset, "layers": entries}, f)


def test_scores(np, parts, rows, out):
    """Every worker's test probabilities in the split's row order, saved for the engine's evaluation
    (rayScores.ts): it then reads what the cluster computed on its cached values instead of running the whole
    base over the test images again."""
    pieces = [piece for part in parts for piece in part]
    if not pieces:
        return None
    scores = np.zeros((rows, pieces[0][1].shape[1]), dtype=np.float32)
    for idx, probs in pieces:
        scores[idx] = probs
    os.makedirs(out, exist_ok=True)
    file = os.path.join(out, "test_scores.npy")
    np.save(file, scores)
    return file


def resume(full, own, checkpoint):
    """Loads the last checkpoint into `full` and returns its state: the job's own record (always the newest),
    else Ray Train's; None for a fresh start."""
    def load(d):
        full.load_weights(os.path.join(d, "model.weights.h5"))
        with open(os.path.join(d, "state.json")) as f:
            return json.load(f)

    mine = job_checkpoint.latest(own)
    if mine:
        return load(mine)
    if checkpoint:
        with checkpoint.as_directory() as d:
            return load(d)
    return None


def train_loop(plan):
    import numpy as np
    import torch
    import torch.distributed as dist
    import keras
    import ray
    import ray.train
    import ray.train.torch

    ctx = ray.train.get_context()
    rank, world = ctx.get_world_rank(), ctx.get_world_size()
    device = ray.train.torch.get_device()
    keras.utils.set_random_seed(plan["seed"])
    full = keras.saving.load_model(plan["model"], compile=False)
    keep_inference_mode(keras, full)
    full.to(device)
    # Who trains where: Transfer Studio names the workers and devices, and can tell a replaced worker.
    me = {"pid": os.getpid(), "node": ray.get_runtime_context().get_node_id()[:8], "device": str(device)}
    everyone = [None] * world
    if world > 1:
        dist.all_gather_object(everyone, me)
    else:
        everyone = [me]
    if rank == 0:
        say({"type": "workers", "workers": everyone})
    pixels = {k: (np.load(v["x"], mmap_mode="r"), np.load(v["y"])) for k, v in plan["data"].items()}
    keys = {}
    for k, v in plan["data"].items():
        with open(v["keys"]) as f:
            keys[k] = json.load(f)
    w = {"np": np, "torch": torch, "dist": dist, "rank": rank, "world": world, "device": device,
         "root": plan["cacheDir"], "runtime": runtime_of(keras, torch, device)}
    clock = {"features": 0.0, "training": 0.0, "evaluation": 0.0}
    computed = {}  # cut values by boundary, kept until the phase that reads them has them

    def inputs_of(p):
        """The model phase p trains and the arrays it trains on: cached values below its cut, else pixels."""
        cut = plan["phases"][p].get("cut")
        if not cut:
            return full, pixels
        t = time.time()
        values = phase_values(keras, w, full, plan["phases"], p, pixels, keys, computed)
        clock["features"] += time.time() - t
        # The cached values are in memory: one tensor per split, so a step only gathers its rows.
        arrays = {k: (torch.from_numpy(values[k]).to(device), pixels[k][1]) for k in pixels}
        return trainable_part(keras, torch, full, cut["boundary"]), arrays

    def tensors(x, y, idx):
        idx = np.sort(idx)  # mmap reads in file order
        yb = torch.from_numpy(np.asarray(y[idx], dtype=np.int64)).to(device)
        if torch.is_tensor(x):
            return x[torch.from_numpy(idx).to(device)], yb
        return torch.from_numpy(np.asarray(x[idx], dtype=np.float32)).to(device), yb

    def sums(loss_sum, correct, count):
        t = torch.tensor([loss_sum, correct, count], dtype=torch.float64, device=device)
        if world > 1:
            dist.all_reduce(t)
        loss_sum, correct, count = t.tolist()
        return loss_sum / max(count, 1), correct / max(count, 1)

    def evaluate(model, data, split, kept=None):
        """The split's loss and accuracy over all workers; `kept` gets this worker's rows and probabilities."""
        x, y = data[split]
        mine = np.arange(len(y))[rank::world]
        loss_sum = correct = 0.0
        with torch.no_grad():
            for i in range(0, len(mine), 64):
                xb, yb = tensors(x, y, mine[i:i + 64])
                probs = model(xb, training=False)
                if kept is not None:
                    kept.append((mine[i:i + 64], probs.detach().cpu().numpy()))
                loss_sum += float(cross_entropy(torch, probs, yb)) * len(yb)
                correct += float((probs.argmax(1) == yb).sum())
        return sums(loss_sum, correct, len(mine))

    history, start_phase, start_epoch = [], 0, 1
    own = os.path.join(plan["storagePath"], "last-checkpoint")
    state = resume(full, own, ray.train.get_checkpoint())
    if state:
        history, start_phase, start_epoch = state["history"], state["phase"], state["epoch"] + 1
        if rank == 0:
            say({"type": "resumed", "phase": start_phase + 1, "epoch": state["epoch"]})

    model, data = full, pixels
    for p, phase in enumerate(plan["phases"]):
        if p < start_phase:
            continue
        frozen = set(phase["frozen"])
        for layer in full.layers:
            layer.trainable = layer.name not in frozen
        model, data = inputs_of(p)
        computed.pop(phase.get("cut", {}).get("boundary"), None)  # this phase's last reader
        train_x, train_y = data["train"]
        # DDP records which parameters need gradients when it wraps the model, so each phase wraps anew.
        ddp = ray.train.torch.prepare_model(model, move_to_device=False) if world > 1 else model
        params = [q for q in model.parameters() if q.requires_grad]
        optimizer = make_optimizer(torch, plan["optimizer"], params, phase["learningRate"])
        best, since_best, best_weights = math.inf, 0, None
        first = start_epoch if p == start_phase else 1
        for epoch in range(first, phase["epochs"] + 1):
            t0 = last_line = time.time()
            # The engine's order for this epoch (job_order.py): a local run of the recipe sees the same batches.
            order = np.asarray(epoch_order(train_y, plan["balanced"], plan["seed"], epoch), dtype=np.int64)
            n, batch = len(order), plan["batchSize"]
            steps = max(1, math.ceil(n / batch))
            loss_sum = correct = count = 0.0
            for s in range(steps):
                idx = order[s * batch:(s + 1) * batch]
                if len(idx) < world:  # every worker needs a sample, or DDP's all-reduce waits forever
                    idx = np.concatenate([idx, order[:world - len(idx)]])
                xb, yb = tensors(train_x, train_y, idx[rank::world])
                loss, probs = train_step(torch, ddp, optimizer, xb, yb)
                loss_sum += float(loss) * len(yb)
                correct += float((probs.argmax(1) == yb).sum())
                count += len(yb)
                now = time.time()
                # The first step too: an epoch on cached values can end within half a second, and the panel's
                # chart would get one point per epoch.
                if rank == 0 and (s == 0 or now - last_line > 0.5 or s == steps - 1):
                    last_line = now
                    say({"type": "progress", "event": {
                        "kind": "batch", "model": "transfer", "phase": p + 1, "epoch": epoch,
                        "epochs": phase["epochs"], "batch": s + 1, "batches": steps, "loss": loss_sum / count,
                        "accuracy": correct / count, "imagesPerSec": min((s + 1) * batch, n) / max(now - t0, 1e-6),
                        "etaSeconds": (now - t0) / (s + 1) * (steps - s - 1)}})
            train_loss, train_acc = sums(loss_sum, correct, count)
            val_loss, val_acc = evaluate(model, data, "validation")
            metrics = {"phase": p + 1, "epoch": epoch, "loss": train_loss, "accuracy": train_acc,
                       "valLoss": val_loss, "valAccuracy": val_acc, "seconds": time.time() - t0}
            clock["training"] += metrics["seconds"]
            history.append(metrics)
            stop = False
            if plan["patience"] > 0:
                if val_loss < best - 1e-4:
                    best, since_best, best_weights = val_loss, 0, full.get_weights()
                else:
                    since_best += 1
                    stop = since_best >= plan["patience"]
            with tempfile.TemporaryDirectory() as tmp:
                saved = None
                if rank == 0:
                    full.save_weights(os.path.join(tmp, "model.weights.h5"))
                    with open(os.path.join(tmp, "state.json"), "w") as f:
                        json.dump({"phase": p, "epoch": epoch, "history": history}, f)
                    job_checkpoint.save(own, tmp, p, epoch)  # before the epoch line says it is safe
                    saved = ray.train.Checkpoint.from_directory(tmp)
                ray.train.report(metrics, checkpoint=saved)
            if rank == 0:
                say({"type": "epoch", "metrics": metrics, "epochs": phase["epochs"]})
            if stop:
                if rank == 0:
                    say({"type": "log", "level": "info", "message": (
                        f"Early stop after epoch {epoch}: validation loss has not improved for "
                        f"{plan['patience']} epochs; keeping the weights of the best epoch.")})
                if best_weights is not None:
                    full.set_weights(best_weights)
                break
        start_epoch = 1

    # Data parallelism must leave one model: every worker hashes its weights and rank 0 compares them.
    digest = hashlib.sha256(flat_weights(np, full).tobytes()).hexdigest()
    digests = [None] * world
    if world > 1:
        dist.all_gather_object(digests, digest)
    else:
        digests = [digest]
    t = time.time()
    kept = []
    test = evaluate(model, data, "test", kept) if "test" in data else None
    scores = None
    if test is not None:
        everyone = [None] * world
        if world > 1:
            dist.all_gather_object(everyone, kept)
        else:
            everyone = [kept]
        scores = test_scores(np, everyone, len(data["test"][1]), plan["outDir"]) if rank == 0 else None
    clock["evaluation"] += time.time() - t
    if rank == 0:
        out = plan["outDir"]
        full.save(os.path.join(out, "trained.keras"))
        write_weights(np, full, out)
        say({"type": "trained", "weightsIdentical": len(set(digests)) == 1, "weightDigests": digests,
             "history": history, "test": None if test is None else {"loss": test[0], "accuracy": test[1]},
             "model": os.path.join(out, "trained.keras"), "timings": clock,
             **({"testScores": scores} if scores else {})})
