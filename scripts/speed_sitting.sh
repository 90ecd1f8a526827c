#!/bin/sh
# One sitting of the speed comparison: each family's `gankit bench train` beside its PyTorch
# peer, alternating, ROUNDS times, with THREADS threads each (default 2). Run it on an idle
# machine: a ratio means something only between numbers of the same sitting.
#   scripts/speed_sitting.sh [OUT_FILE]
# GANKIT (default .build/release/gankit), TORCH_REFERENCE (the dcgan/mlp peer,
# torch_reference.py), THREADS, ROUNDS (default 2) and MODELS (default all) can be set;
# srresnet needs SR_DATA, a folder of photos (it is left out without it).
set -e
out=${1:-speed-sitting.txt}
gankit=${GANKIT:-.build/release/gankit}
reference=${TORCH_REFERENCE:-torch_reference.py}
threads=${THREADS:-2}
rounds=${ROUNDS:-2}
models=${MODELS:-"dcgan vanilla cgan lapgan pix2pix cyclegan${SR_DATA:+ srresnet}"}
export GANKIT_THREADS=$threads OMP_NUM_THREADS=$threads
: > "$out"
note() { echo "$*" | tee -a "$out"; }
note "sitting $(date -u +%FT%TZ), $threads threads, load $(cut -d' ' -f1-3 /proc/loadavg)"
for round in $(seq "$rounds"); do
  for model in $models; do
    case $model in
      dcgan)    g="--model dcgan --steps 100";   p="python3 $reference --arch dcgan --steps 150 --threads $threads" ;;
      vanilla)  g="--model vanilla --steps 300"; p="python3 $reference --arch mlp --steps 300 --threads $threads" ;;
      cgan)     g="--model cgan --steps 50";    p="python3 bench/cgan_peer.py --steps 150 --threads $threads" ;;
      lapgan)   g="--model lapgan --steps 30";   p="python3 bench/lapgan_peer.py --steps 30 --threads $threads" ;;
      pix2pix)  g="--model pix2pix --dataset edges2fashion --option load-size=256 --batch 2 --steps 8"
                p="python3 bench/translation_peer.py --bench pix2pix --size 256 --batch 2 --steps 8" ;;
      cyclegan) g="--model cyclegan --batch 1 --steps 40"
                p="python3 bench/cyclegan_peer.py --bench --batch 1 --ngf 64 --ndf 64 --steps 40" ;;
      srresnet) g="--model srresnet --data ${SR_DATA:?srresnet needs SR_DATA} --batch 16 --option patch-size=48 --steps 60"
                p="python3 bench/srresnet_peer.py --batch 16 --patch-size 48 --steps 60 --threads $threads" ;;
      *) echo "unknown model $model" >&2; exit 2 ;;
    esac
    note "round $round $model gankit: $($gankit bench train $g 2>&1 | grep -v '"part"' | tail -1)"
    note "round $round $model pytorch: $($p 2>&1 | tail -1)"
  done
done
