#!/bin/sh
# Each counter's effect on Fashion-MNIST: trains `dcgan` once per flag set (same seed and length)
# and prints `gankit eval --run`'s FID, KID, class KL and precision/recall for each.
#   scripts/counter_fid_sweep.sh OUT_DIR [FLAG_SET ...]
# A FLAG_SET is one quoted string of `gankit train dcgan` flags ("" is the plain DCGAN); without
# any, the counters of the README's table. GANKIT (default .build/release/gankit), SEED (0) and
# STEPS (400) can be set.
set -e
out=$1; shift
gankit=${GANKIT:-.build/release/gankit}
seed=${SEED:-0}; steps=${STEPS:-400}
[ $# -gt 0 ] || set -- "" "--pack 2" "--minibatch-std" "--spectral-norm" "--lr-d 4e-4 --lr-g 1e-4" \
  "--diffaugment translation,cutout,color" "--instance-noise 0.1" "--unroll 3" "--pack 2 --minibatch-std"
mkdir -p "$out"
: > "$out/summary.txt"
index=0
for flags in "$@"; do
  run="$out/run$index"; index=$((index + 1))
  rm -rf "$run"
  start=$(date +%s)
  # shellcheck disable=SC2086
  nice -n 10 "$gankit" train dcgan --dataset fashion-mnist --steps "$steps" --seed "$seed" --out "$run" $flags > "$run.log" 2>&1
  seconds=$(( $(date +%s) - start ))
  "$gankit" eval --run "$run" > "$run.eval.txt"
  fid=$(sed -n 's/^FID *\([0-9.]*\).*/\1/p' "$run.eval.txt" | head -1)
  echo "flags [${flags:-none}] FID $fid train ${seconds}s ($run.eval.txt)" | tee -a "$out/summary.txt"
done
