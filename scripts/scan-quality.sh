#!/usr/bin/env bash
# Object-level quality of `geoscout scan` with the shipped models on held-out synthetic scenes
# (seeds 9000 and up, never used in training or threshold tuning): `geoscout synth` writes N
# scenes per profile, `geoscout scan` finds the leads with that profile's shipped model, and
# `geoscout eval` scores them by the rules of targets.md (polygons: IoU >= 0.3; outlets: within
# 20 m on satellite, 2 m on uav; greedy one-to-one by score) and prints the per-class table.
#
#   scripts/scan-quality.sh [--scenes N] [--size PX] [satellite] [uav]
#
# Work files go to $GEOSCOUT_CACHE/scan-quality. GEOSCOUT_BIN names a geoscout binary to use; by
# default the release build is made (cargo build --release).
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=scripts/env.sh
source "$repo/scripts/env.sh"

scenes=20
size=1024
profiles=()
while [ $# -gt 0 ]; do
  case "$1" in
    --scenes) scenes=$2; shift ;;
    --size) size=$2; shift ;;
    satellite|uav) profiles+=("$1") ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *) echo "scan-quality.sh: unknown argument '$1' (try --help)" >&2; exit 2 ;;
  esac
  shift
done
[ ${#profiles[@]} -gt 0 ] || profiles=(satellite uav)
first_seed=$HELD_OUT_FIRST_SEED

release_geoscout

for profile in "${profiles[@]}"; do
  work="$GEOSCOUT_CACHE/scan-quality/$profile"
  held_out_scenes "$profile" "$work" "$scenes" "$size"
  "$geoscout" scan "$work/scenes" --out "$work/leads" --model "$profile" --quiet
  echo "== $profile: $scenes held-out scenes of $size px, seeds $first_seed-$((first_seed + scenes - 1))"
  "$geoscout" eval --truth "$work/scenes" --leads "$work/leads"
done
