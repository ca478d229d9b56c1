# shellcheck shell=bash
# The recipes that the GPU plans share, sourced by docs/results/session5_drive.sh after its own
# globals (AUX, COMMON, LSTM_COMMON) and its `run` and `bench`: flag arrays, and functions that
# name one run or benchmark from a few arguments. A helper that one plan alone uses lives beside
# that plan, in ran.sh or queued.sh.

# the r-/p-LSTM's 1x128 decoder / predictor (D128: the r-LSTM at weight 3), chosen in sessions 9-10
D128=(--config.aux_weight=3 --config.model.decoder_sizes="(128,)")
P128=(--config.model.decoder_sizes="(128,)")
# AdamW weight decay 0.1, with CIFAR-10's random flips the regularised recipe (session 13's choice)
DECAY01=(--config.optimizer=adamw --config.weight_decay=0.1)
DECAY03=(--config.optimizer=adamw --config.weight_decay=0.3)
REGULAR=(--config.augment=flip "${DECAY01[@]}")
SEEDS3=(--config.runs.seeds="(0,1,2)")
AUX63=(--config.pretrain_epochs=3 --config.train_epochs=60 "${P128[@]}" "${SEEDS3[@]}")  # 3 + 60
AUX103=(--config.pretrain_epochs=3 --config.train_epochs=100 "${P128[@]}" "${SEEDS3[@]}")  # 3 + 100
transformer_epochs() {  # GPU TASK EPOCHS: Table 2's Transformer row at our recipe (cuDNN
  # attention as session 8's CIFAR-10 run), seeds 0-2 packed, for EPOCHS
  TASK="$2" run "$1" "$2_transformer_$3_epochs_seeds_0_2" transformer \
    --config.model.attention=cudnn --config.train_epochs="$3" "${SEEDS3[@]}"
}

lstm_epochs() {  # GPU EPOCHS TASK ROW [TAG FLAGS...]: an LSTM row at EPOCHS, seeds 0-2, like for
  # like with auxiliary runs of as many epochs in all (AUX63, AUX103); FLAGS: a recipe of the
  # caller's, named by TAG in the workdir
  TASK="$3" run "$1" "$3_$4${5:+_$5}_$2_epochs_seeds_0_2" "$4" --config.train_epochs="$2" \
    "${SEEDS3[@]}" "${@:6}"
}

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

packing_bench() {  # GPU: on the idle GPU after a plan's runs, R packed runs in one process against
  # three processes of R/3 under CUDA MPS (how the MNIST plans fill one GPU), r-LSTM t300 (1x128
  # decoder) and LSTM t300 at MNIST sizes
  [ "${SKIP_BENCH:-0}" = 1 ] && return
  local v
  for v in rlstm_t300 lstm_t300; do
    CUDA_VISIBLE_DEVICES="$1" bench packing python3 benchmarks/packed_runs.py --recurrence fused \
      --variant "$v" --runs 3,9 --decoder 128 --steps 10
    mps_groups "$1" "$v" 3
  done
}

mps_groups() {  # GPU VARIANT RUNS: three processes on GPU under CUDA MPS, RUNS packed runs each, at
  # MNIST sizes (1x128 decoder for the r-LSTM)
  bench packing python3 benchmarks/gpu_groups.py --gpus "$1,$1,$1" --counts 3 --variant "$2" \
    --runs "$3" --decoder 128 --steps 10 --mps
}

mps_depth_bench() {  # GPU: on the idle GPU after a plan's runs, three processes under CUDA MPS
  # packing 3 and then 6 runs each (r-LSTM t300 with the 1x128 decoder, LSTM t300, MNIST sizes):
  # what a second setting packed into each process of an MNIST plan costs in time
  [ "${SKIP_BENCH:-0}" = 1 ] && return
  local v r
  for v in rlstm_t300 lstm_t300; do
    for r in 3 6; do mps_groups "$1" "$v" "$r"; done
  done
}

cifar_50() {  # GPU ROW [TAG FLAGS...]: CIFAR-10 LSTM or r-LSTM t300 at session 17's 50-epoch
  # recipe (flips, AdamW decay 0.1, seeds 0-2; the r-LSTM at weight 3 with the 1x128 decoder,
  # 3 + 47 epochs); FLAGS: a lever of the caller's, named by TAG in the workdir
  local own=(--config.train_epochs=50) decoder=""
  if [ "$2" = rlstm_t300 ]; then
    own=("${D128[@]}" --config.pretrain_epochs=3 --config.train_epochs=47) decoder=_decoder_128
  fi
  run "$1" "cifar_$2${decoder}_flip_weight_decay_0.1${3:+_$3}_50_epochs_seeds_0_2" "$2" \
    "${own[@]}" "${REGULAR[@]}" "${SEEDS3[@]}" "${@:4}"
}

cifar_50_lever() {  # GPU_A GPU_B TAG FLAGS...: a lever on CIFAR-10's t300 rows at cifar_50's
  # recipe: the r-LSTM with it on GPU_A; on GPU_B the LSTM with it, then the LSTM without it (the
  # reference)
  cifar_50 "$1" rlstm_t300 "${@:3}" &
  (cifar_50 "$2" lstm_t300 "${@:3}"; cifar_50 "$2" lstm_t300) &
}
