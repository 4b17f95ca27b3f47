"""The job's own record of its last checkpoint, on the shared storage path beside Ray Train's.

Ray Train's controller learns of a reported checkpoint only when it next polls the workers (every 2 s, later on
a loaded machine): a worker killed in between restarts the group from an older checkpoint, or from none. Rank 0
therefore writes each epoch's checkpoint here first, and points `latest.json` at it with an atomic rename, so
by the time the job says an epoch ended, a restarted group resumes after that epoch, whatever the controller
saw. Every node reads this folder: the storage path is a shared filesystem (rayTraining.ts refuses others)."""

import json
import os
import shutil

LATEST = "latest.json"


def save(folder, files_from, phase, epoch):
    """Copies a checkpoint directory to `folder`/p<phase>-e<epoch> and makes it the latest; drops the one before."""
    os.makedirs(folder, exist_ok=True)
    name = f"p{phase}-e{epoch}"
    target = os.path.join(folder, name)
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(files_from, target)
    before = latest(folder)
    pointer = os.path.join(folder, LATEST)
    with open(pointer + ".tmp", "w") as f:
        json.dump({"dir": name}, f)
        f.flush()
        os.fsync(f.fileno())
    os.replace(pointer + ".tmp", pointer)
    if before and os.path.basename(before) != name:
        shutil.rmtree(before, ignore_errors=True)


def latest(folder):
    """The directory of the last checkpoint saved here, or None before the first epoch ended."""
    try:
        with open(os.path.join(folder, LATEST)) as f:
            name = json.load(f)["dir"]
    except (OSError, ValueError, KeyError):
        return None
    path = os.path.join(folder, os.path.basename(name))
    return path if os.path.isdir(path) else None
