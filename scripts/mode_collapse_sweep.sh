#!/bin/sh
# Trains `vanilla` on a 2-D mixture for 10 seeds with the given flags and averages the PacGAN
# protocol (2,500 samples, high quality within 3 standard deviations) over the seeds.
#   scripts/mode_collapse_sweep.sh OUT_DIR ring8|grid25 [gankit train flags...]
# GANKIT (default .build/release/gankit) and SEEDS (default "0 1 2 3 4 5 6 7 8 9") can be set.
set -e
out=$1; dataset=$2; shift 2
gankit=${GANKIT:-.build/release/gankit}
seeds=${SEEDS:-"0 1 2 3 4 5 6 7 8 9"}
mkdir -p "$out"
: > "$out/$dataset-summary.txt"
for seed in $seeds; do
  run="$out/$dataset-seed$seed"
  rm -rf "$run"
  nice -n 10 "$gankit" train vanilla --dataset "$dataset" --seed "$seed" --out "$run" "$@" > "$run.log" 2>&1
  "$gankit" eval --run "$run" > "$run.eval.txt"
  modes=$(sed -n 's/^modes covered *\([0-9]*\) \/.*/\1/p' "$run.eval.txt")
  quality=$(sed -n 's/^high-quality samples *\([0-9.]*\)%.*/\1/p' "$run.eval.txt")
  echo "seed $seed modes $modes high-quality $quality" | tee -a "$out/$dataset-summary.txt"
done
awk '{ m += $4; q += $6; n += 1 } END { printf "mean over %d seeds: modes %.2f, high-quality %.2f%%\n", n, m / n, q / n }' \
  "$out/$dataset-summary.txt" | tee -a "$out/$dataset-summary.txt"
