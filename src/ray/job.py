"""Transfer Studio's Ray job: trains one recipe data-parallel with Ray Train's TorchTrainer and Keras 3 on the
torch backend (DistributedDataParallel over gloo, or nccl on GPUs).

Usage: python job.py <plan.json>   (or --check <address> <workers> <gpus per worker>:
can this Python run the job, does the cluster answer and have the resources? prints its versions)

The plan is written by Transfer Studio (src/trainer/ray/rayRun.ts; its type is RayPlan in src/shared/rayProtocol.ts):
the untrained model (the base cut at the feature layer plus the recipe's head, built and exported to Keras by
Transfer Studio, raw 0-255 pixels in, scaling inside), the frozen layers of each phase (resolved by Transfer
Studio's own freeze rules, never re-derived here), the optimizer and the pre-decoded pixels of each split as
uint8 .npy files (decoded by Transfer Studio's own decoder, so the job sees exactly the pixels a local run sees).

Every line meant for Transfer Studio is printed as MARKER + JSON on stdout; from the workers it reaches the
driver through Ray's log forwarding (with a "(RayTrainWorker pid=…)" prefix, which the reader skips).
Failures the user can fix end the job with one {"type": "error"} line and exit code 2.
"""

import json
import math
import os
import sys
import tempfile
import time

MARKER = "@@transfer-studio@@ "
# The cluster's Keras must run on torch; the workers inherit this through the runtime environment.
os.environ["KERAS_BACKEND"] = "torch"


def say(obj):
    print(MARKER + json.dumps(obj, separators=(",", ":")), flush=True)


class JobError(Exception):
    """A problem the user can fix; its message is one sentence."""


def require(module, install):
    try:
        return __import__(module)
    except Exception as e:  # ImportError, or a broken install raising anything at import
        raise JobError(
            f"{sys.executable} cannot import {module} ({type(e).__name__}): install {install} in the Python "
            "that drives the Ray job (--python, TRANSFER_STUDIO_PYTHON or transferStudio.python)"
        )


# ---------------------------------------------------------------- training loop (runs in every worker)


def make_optimizer(torch, name, params, lr):
    # The same optimizers and settings as the local engine (src/trainer/train/fitLoop.ts, tfjs defaults).
    if name == "sgd":
        return torch.optim.SGD(params, lr=lr, momentum=0.9)
    if name == "rmsprop":
        return torch.optim.RMSprop(params, lr=lr, alpha=0.9, eps=1e-7)
    return torch.optim.Adam(params, lr=lr, betas=(0.9, 0.999), eps=1e-7)


def flat_weights(model):
    import numpy as np
    return np.concatenate([np.asarray(w, dtype=np.float32).ravel() for w in model.get_weights()])


def train_loop(plan):
    import hashlib
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
    model = keras.saving.load_model(plan["model"], compile=False)
    # Who trains where: Transfer Studio names the workers and devices, and can tell a replaced worker.
    me = {"pid": os.getpid(), "node": ray.get_runtime_context().get_node_id()[:8], "device": str(device)}
    everyone = [None] * world
    if world > 1:
        dist.all_gather_object(everyone, me)
    else:
        everyone = [me]
    if rank == 0:
        say({"type": "workers", "workers": everyone})
    data = {k: (np.load(v["x"], mmap_mode="r"), np.load(v["y"])) for k, v in plan["data"].items()}
    train_x, train_y = data["train"]
    n = len(train_y)
    global_batch = plan["batchSize"]
    steps = max(1, math.ceil(n / global_batch))

    def tensors(x, y, idx):
        idx = np.sort(idx)  # mmap reads in file order
        xb = torch.from_numpy(np.asarray(x[idx], dtype=np.float32)).to(device)
        return xb, torch.from_numpy(np.asarray(y[idx], dtype=np.int64)).to(device)

    def sums(loss_sum, correct, count):
        t = torch.tensor([loss_sum, correct, count], dtype=torch.float64, device=device)
        if world > 1:
            dist.all_reduce(t)
        loss_sum, correct, count = t.tolist()
        return loss_sum / max(count, 1), correct / max(count, 1)

    def evaluate(split):
        x, y = data[split]
        mine = np.arange(len(y))[rank::world]
        loss_sum = correct = 0.0
        with torch.no_grad():
            for i in range(0, len(mine), 64):
                xb, yb = tensors(x, y, mine[i:i + 64])
                probs = model(xb, training=False)
                loss_sum += float(torch.nn.functional.nll_loss(torch.log(probs.clamp_min(1e-7)), yb,
                                                               reduction="sum"))
                correct += float((probs.argmax(1) == yb).sum())
        return sums(loss_sum, correct, len(mine))

    history, start_phase, start_epoch = [], 0, 1
    checkpoint = ray.train.get_checkpoint()
    if checkpoint:
        with checkpoint.as_directory() as d:
            model.load_weights(os.path.join(d, "model.weights.h5"))
            with open(os.path.join(d, "state.json")) as f:
                state = json.load(f)
        history, start_phase, start_epoch = state["history"], state["phase"], state["epoch"] + 1
        if rank == 0:
            say({"type": "resumed", "phase": start_phase + 1, "epoch": state["epoch"]})

    for p, phase in enumerate(plan["phases"]):
        if p < start_phase:
            continue
        frozen = set(phase["frozen"])
        for layer in model.layers:
            # BatchNorm stays inference-only, as in the engine: in Keras 3 only a non-trainable BatchNorm keeps
            # its moving statistics while training (the export writes them so); its scale and offset stay too.
            if not isinstance(layer, keras.layers.BatchNormalization):
                layer.trainable = layer.name not in frozen
        model.to(device)
        # DDP records which parameters need gradients when it wraps the model, so each phase wraps anew.
        ddp = ray.train.torch.prepare_model(model, move_to_device=False) if world > 1 else model
        params = [q for q in model.parameters() if q.requires_grad]
        optimizer = make_optimizer(torch, plan["optimizer"], params, phase["learningRate"])
        best, since_best, best_weights = math.inf, 0, None
        first = start_epoch if p == start_phase else 1
        for epoch in range(first, phase["epochs"] + 1):
            t0 = last_line = time.time()
            perm = np.random.RandomState(plan["seed"] * 1000 + p * 100 + epoch).permutation(n)
            loss_sum = correct = count = 0.0
            for s in range(steps):
                idx = perm[s * global_batch:(s + 1) * global_batch]
                if len(idx) < world:  # every worker needs a sample, or DDP's all-reduce waits forever
                    idx = np.concatenate([idx, perm[:world - len(idx)]])
                xb, yb = tensors(train_x, train_y, idx[rank::world])
                probs = ddp(xb, training=True)
                loss = torch.nn.functional.nll_loss(torch.log(probs.clamp_min(1e-7)), yb)
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
                loss_sum += float(loss.detach()) * len(yb)
                correct += float((probs.argmax(1) == yb).sum())
                count += len(yb)
                now = time.time()
                if rank == 0 and (now - last_line > 0.5 or s == steps - 1):
                    last_line = now
                    done = (s + 1) * global_batch
                    say({"type": "progress", "event": {
                        "kind": "batch", "model": "transfer", "phase": p + 1, "epoch": epoch,
                        "epochs": phase["epochs"], "batch": s + 1, "batches": steps, "loss": loss_sum / count,
                        "accuracy": correct / count, "imagesPerSec": min(done, n) / max(now - t0, 1e-6),
                        "etaSeconds": (now - t0) / (s + 1) * (steps - s - 1)}})
            train_loss, train_acc = sums(loss_sum, correct, count)
            val_loss, val_acc = evaluate("validation")
            metrics = {"phase": p + 1, "epoch": epoch, "loss": train_loss, "accuracy": train_acc,
                       "valLoss": val_loss, "valAccuracy": val_acc, "seconds": time.time() - t0}
            history.append(metrics)
            stop = False
            if plan["patience"] > 0:
                if val_loss < best - 1e-4:
                    best, since_best, best_weights = val_loss, 0, model.get_weights()
                else:
                    since_best += 1
                    stop = since_best >= plan["patience"]
            with tempfile.TemporaryDirectory() as tmp:
                saved = None
                if rank == 0:
                    model.save_weights(os.path.join(tmp, "model.weights.h5"))
                    with open(os.path.join(tmp, "state.json"), "w") as f:
                        json.dump({"phase": p, "epoch": epoch, "history": history}, f)
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
                    model.set_weights(best_weights)
                break
        start_epoch = 1

    # Data parallelism must leave one model: every worker hashes its weights and rank 0 compares them.
    digest = hashlib.sha256(flat_weights(model).tobytes()).hexdigest()
    digests = [None] * world
    if world > 1:
        dist.all_gather_object(digests, digest)
    else:
        digests = [digest]
    test = evaluate("test") if "test" in data else None
    if rank == 0:
        out = plan["outDir"]
        os.makedirs(out, exist_ok=True)
        model.save(os.path.join(out, "trained.keras"))
        write_weights(model, out)
        say({"type": "trained", "weightsIdentical": len(set(digests)) == 1, "weightDigests": digests,
             "history": history, "test": None if test is None else {"loss": test[0], "accuracy": test[1]},
             "model": os.path.join(out, "trained.keras")})


def write_weights(model, out):
    """weights.json + weights.bin: every layer's weights by layer name (float32, Keras order), so Transfer
    Studio can set them into its own TF.js model of the same recipe without reading HDF5."""
    import numpy as np
    entries, offset = [], 0
    with open(os.path.join(out, "weights.bin"), "wb") as f:
        for layer in model.layers:
            tensors = []
            for w in layer.weights:
                a = np.ascontiguousarray(np.asarray(w, dtype=np.float32))
                f.write(a.tobytes())
                tensors.append({"name": w.path, "shape": list(a.shape), "offset": offset})
                offset += a.nbytes
            if tensors:
                entries.append({"layer": layer.name, "weights": tensors})
    with open(os.path.join(out, "weights.json"), "w") as f:
        json.dump({"version": 1, "bytes": offset, "layers": entries}, f)


# ---------------------------------------------------------------- driver


def reachable(address):
    """ray.init retries an unreachable GCS for minutes; a plain TCP connect answers in seconds."""
    import socket
    host, _, port = address.rpartition(":")
    if not host or not port.isdigit():
        raise JobError(f"The Ray address {address} is not host:port (e.g. 10.0.0.5:6379) or local")
    try:
        socket.create_connection((host, int(port)), timeout=5).close()
    except OSError as e:
        raise JobError(f"Cannot reach the Ray cluster at {address}: {e.strerror or e}; is `ray start --head` running there?")


def enough(address, cpus, gpu_count, workers, gpus):
    if cpus < workers or gpu_count < workers * gpus:
        where = "This machine (local Ray)" if address == "local" else f"The Ray cluster at {address}"
        raise JobError(
            f"{where} has {cpus:g} CPUs and {gpu_count:g} GPUs; the run asks for {workers} workers with 1 CPU and "
            f"{gpus:g} GPUs each: use fewer workers (--workers) or GPUs (--gpus-per-worker)"
        )


def check(ray, torch, address, workers, gpus):
    """Before any data is decoded: does the address answer, and does the cluster have what the run asks for?"""
    if address == "local":
        # A local Ray gets one CPU per worker; its GPUs are the ones torch sees.
        enough(address, workers, torch.cuda.device_count() if torch.cuda.is_available() else 0, workers, gpus)
        return
    plan = {"address": address, "workers": workers, "gpusPerWorker": gpus}
    connect(ray, plan)
    ray.shutdown()


def connect(ray, plan):
    address, workers, gpus = plan["address"], plan["workers"], plan["gpusPerWorker"]
    env = {"env_vars": {"KERAS_BACKEND": "torch"}}
    try:
        if address == "local":
            # A private Ray instance for trying things: started here, stopped by ray.shutdown() at the end.
            ray.init(address="local", num_cpus=plan.get("localCpus") or workers, include_dashboard=False,
                     runtime_env=env, log_to_driver=True, configure_logging=False)
        else:
            reachable(address)
            ray.init(address=address, runtime_env=env, log_to_driver=True, configure_logging=False)
    except JobError:
        raise
    except Exception as e:
        where = "start a local Ray" if address == "local" else f"reach the Ray cluster at {address}"
        raise JobError(f"Cannot {where}: {str(e).splitlines()[0] if str(e) else type(e).__name__}")
    have = ray.cluster_resources()
    cpus, gpu_count = have.get("CPU", 0), have.get("GPU", 0)
    enough(address, cpus, gpu_count, workers, gpus)
    say({"type": "cluster", "address": address, "cpus": cpus, "gpus": gpu_count,
         "nodes": len([n for n in ray.nodes() if n.get("Alive")]), "ray": ray.__version__})


def main(argv):
    if len(argv) not in (2, 5):
        raise JobError("usage: job.py <plan.json> | --check <address> <workers> <gpus per worker>")
    ray = require("ray", "ray[train]==2.58.*")
    require("ray.train", "ray[train]==2.58.* (the train extra)")
    torch = require("torch", "torch")
    keras = require("keras", "keras>=3.10")
    if not keras.__version__.startswith("3."):
        raise JobError(f"{sys.executable} has Keras {keras.__version__}; the job needs Keras 3 (pip install keras>=3.10)")
    say({"type": "versions", "python": sys.version.split()[0], "ray": ray.__version__, "torch": torch.__version__,
         "keras": keras.__version__})
    if argv[1] == "--check":  # Transfer Studio asks before it decodes any data
        check(ray, torch, argv[2], int(argv[3]), float(argv[4]))
        return
    with open(argv[1]) as f:
        plan = json.load(f)
    connect(ray, plan)
    from ray.train import FailureConfig, RunConfig, ScalingConfig
    from ray.train.torch import TorchTrainer
    gpus = plan["gpusPerWorker"]
    trainer = TorchTrainer(
        train_loop,
        train_loop_config=plan,
        scaling_config=ScalingConfig(num_workers=plan["workers"], use_gpu=gpus > 0,
                                     resources_per_worker={"CPU": 1, **({"GPU": gpus} if gpus > 0 else {})}),
        run_config=RunConfig(name=plan["name"], storage_path=plan["storagePath"],
                             failure_config=FailureConfig(max_failures=plan["maxFailures"])),
    )
    try:
        trainer.fit()
    finally:
        ray.shutdown()


if __name__ == "__main__":
    try:
        main(sys.argv)
    except JobError as e:
        say({"type": "error", "message": str(e)})
        sys.exit(2)
