"""Transfer Studio's Ray job: trains one recipe data-parallel with Ray Train's TorchTrainer and Keras 3 on the
torch backend (DistributedDataParallel over gloo, or nccl on GPUs).

Usage: python job.py <plan.json>   (or --check <address> <workers> <gpus per worker>:
can this Python run the job, does the cluster answer and have the resources? prints its versions)

The plan is written by Transfer Studio (src/trainer/ray/rayRun.ts; its type is RayPlan in src/shared/rayProtocol.ts):
the untrained model (the base cut at the feature layer plus the recipe's head, built and exported to Keras by
Transfer Studio, raw 0-255 pixels in, scaling inside), the frozen layers of each phase (resolved by Transfer
Studio's own freeze rules, never re-derived here) and the cut below each phase's trainable layers, the
optimizer, whether epochs draw classes balanced, and the pre-decoded pixels of each split as uint8 .npy files
(decoded by Transfer Studio's own decoder, so the job sees exactly the pixels a local run sees) with each
example's content hash. The training loop is job_train.py; the cluster's cache of frozen values job_cache.py.

Every line meant for Transfer Studio is printed as MARKER + JSON on stdout; from the workers it reaches the
driver through Ray's log forwarding (with a "(RayTrainWorker pid=…)" prefix, which the reader skips).
Failures the user can fix end the job with one {"type": "error"} line and exit code 2.
"""

import json
import os
import sys

from job_lines import say

# The cluster's Keras must run on torch; the workers inherit this through the runtime environment.
os.environ["KERAS_BACKEND"] = "torch"


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


# Ray waits a fixed 30 s for a new node's raylet to register; a busy machine can take longer.
LOCAL_START_ATTEMPTS = 5


def start_local(ray, cpus, env):
    """A private Ray instance for trying things: started here, stopped by ray.shutdown() at the end."""
    for attempt in range(1, LOCAL_START_ATTEMPTS + 1):
        try:
            ray.init(address="local", num_cpus=cpus, include_dashboard=False, runtime_env=env,
                     log_to_driver=True, configure_logging=False)
            return
        except Exception as e:
            ray.shutdown()
            if attempt == LOCAL_START_ATTEMPTS:
                raise
            first = str(e).splitlines()[0] if str(e) else type(e).__name__
            say({"type": "log", "level": "warn", "message": (
                f"The local Ray did not start (attempt {attempt} of {LOCAL_START_ATTEMPTS}: {first}); "
                "starting it again")})


def connect(ray, plan):
    address, workers, gpus = plan["address"], plan["workers"], plan["gpusPerWorker"]
    env = {"env_vars": {"KERAS_BACKEND": "torch"}}
    try:
        if address == "local":
            start_local(ray, plan.get("localCpus") or workers, env)
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
    import job_cache
    import job_checkpoint
    import job_head
    import job_order
    import job_train
    # The workers import none of the job's files: its modules travel with the training function, by value.
    for module in (job_train, job_cache, job_checkpoint, job_head, job_order, sys.modules["job_lines"]):
        ray.cloudpickle.register_pickle_by_value(module)
    gpus = plan["gpusPerWorker"]
    trainer = TorchTrainer(
        job_train.train_loop,
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
