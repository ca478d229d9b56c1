#!/usr/bin/env bash
# TPU pod: create, copy the code and a wheelhouse, run on all workers with jax.distributed, delete.
#   bash launch/tpu_pod.sh create|copy|run|delete NAME ZONE [ACCELERATOR] [-- train flags]
# Needs gcloud. Data: a TFDS data dir on a shared bucket or prepared on every worker
# (config.data_dir); each host reads its own slice (jax.process_index()).
set -euo pipefail
cmd="$1"; name="$2"; zone="$3"; accel="${4:-v4-32}"
shift 3; [ $# -gt 0 ] && [ "$1" != "--" ] && shift; [ "${1:-}" = "--" ] && shift
case "$cmd" in
  create) gcloud compute tpus tpu-vm create "$name" --zone "$zone" --accelerator-type "$accel" \
            --version tpu-ubuntu2204-base ;;
  copy)   tar czf /tmp/rnn_aux.tgz --exclude=.git --exclude=workdirs --exclude=.venv . &&
          gcloud compute tpus tpu-vm scp /tmp/rnn_aux.tgz "$name":~ --zone "$zone" --worker=all &&
          gcloud compute tpus tpu-vm ssh "$name" --zone "$zone" --worker=all --command \
            'mkdir -p rnn_aux && tar xzf rnn_aux.tgz -C rnn_aux && cd rnn_aux &&
             python3 -m pip install -q "jax[tpu]>=0.10.2,<0.12" && bash launch/setup_env.sh .venv' ;;
  run)    gcloud compute tpus tpu-vm ssh "$name" --zone "$zone" --worker=all --command \
            "cd rnn_aux && .venv/bin/python experiments/train.py --config.distributed=True $*" ;;
  delete) gcloud compute tpus tpu-vm delete "$name" --zone "$zone" --quiet ;;
  *) echo "usage: $0 create|copy|run|delete NAME ZONE [ACCELERATOR] [-- train flags]" >&2; exit 2 ;;
esac
