#!/usr/bin/env bash
# The r-LSTM t300 training step on CIFAR-10 (T=1,024, batch 128, fused main LSTM) under decoder
# variants, beside LSTM t300, on one GPU: what a cheaper decoder would buy (issue 11). Run from the
# repo root on the GPU machine, carrying .carry/wheels:
#   bash docs/results/session8/decoder_variants.sh   (JSON lines into $OUT/decoder_variants.jsonl)
set -u
python3 -m pip install -q --no-index --no-deps --no-compile --target /tmp/site .carry/wheels/*.whl
export PYTHONPATH="/tmp/site:$PWD" XLA_PYTHON_CLIENT_PREALLOCATE=false
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader
out="${OUT:-/tmp}/decoder_variants.jsonl"
sweep() { (cd benchmarks && python3 length_sweep.py --sides 32 --steps 5 --out "$out" \
            --set model.recurrence=fused "$@" | cut -c1-300); }
sweep --rows lstm_t300
sweep --rows rlstm_t300                                   # CIFAR's default: no teacher forcing
sweep --rows rlstm_t300 --set model.teacher_forcing=true
sweep --rows rlstm_t300 --set model.decoder_recurrence=wavefront_bf16
sweep --rows rlstm_t300 --set 'model.decoder_sizes=[128]'  # one 128-unit layer: the fused kernel
sweep --rows plstm_t300
