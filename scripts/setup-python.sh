#!/usr/bin/env bash
# One-time install of the Python environment the tests check the product against (Keras 3 on the TensorFlow
# and torch backends, onnxruntime, Ray Train), into a cache OUTSIDE the repository ($TRANSFER_STUDIO_PYENV,
# default ~/.cache/transfer-studio/pyenv). Idempotent: a stamp holds the hash of the requirements it installed.
# Prints the environment's python on its last line.
set -euo pipefail
cd "$(dirname "$0")/.."

REQ=test/python/requirements.txt
ENV_DIR="${TRANSFER_STUDIO_PYENV:-${XDG_CACHE_HOME:-$HOME/.cache}/transfer-studio/pyenv}"
STAMP="$ENV_DIR/.requirements.sha256"
want="$(sha256sum "$REQ" | cut -d' ' -f1)"

if [ ! -x "$ENV_DIR/bin/python" ] || [ "$(cat "$STAMP" 2>/dev/null)" != "$want" ]; then
  echo "setup-python: installing $REQ into $ENV_DIR (about 3 minutes, once)" >&2
  python3 -m venv "$ENV_DIR"
  # A machine with a local package index (these CI machines) uses only it: the default index is unreachable
  # there and pip would retry it slowly.
  idx=()
  if [ -d /opt/pypi/simple ]; then
    idx=(--index-url file:///opt/pypi/simple)
    [ -d /opt/pypi-more/simple ] && idx+=(--extra-index-url file:///opt/pypi-more/simple)
  fi
  # pip warns once per package missing from the second index; those lines say nothing useful.
  "$ENV_DIR/bin/pip" install -q --disable-pip-version-check "${idx[@]}" -r "$REQ" 2>&1 \
    | { grep -v 'is ignored: it is neither a file nor a directory' || true; } >&2
  echo "$want" > "$STAMP"
fi
echo "$ENV_DIR/bin/python"
