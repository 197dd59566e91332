#!/usr/bin/env bash
# Pixel-level quality of the shipped models on held-out synthetic scenes: seeds 9000 and up, never
# used in training or threshold tuning (training used 1000-1999, see each card's geoscout:training).
#
#   scripts/model-quality.sh [--scenes N] [--record] [satellite] [uav]
#
# For each model: `geoscout synth` writes N held-out scenes of the model's profile (default 20),
# `geoscout predict` writes their probability rasters with the shipped model, and
# `geoscout chips --score` prints per-class pixel IoU and F1 of the thresholded masks (card
# thresholds) and, for outlets, the share of truth outlets with a heat-map peak within the match
# radius (2 m on uav, 20 m on satellite). --record also writes the figures into the card's
# geoscout:metrics (the weights and their sha256 are untouched).
#
# Work files go to $GEOSCOUT_CACHE/quality. GEOSCOUT_BIN names a geoscout binary to use; by default
# the release build is made (cargo build --release).
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=scripts/env.sh
source "$repo/scripts/env.sh"

scenes=20
record=0
models=()
while [ $# -gt 0 ]; do
  case "$1" in
    --scenes) scenes=$2; shift ;;
    --record) record=1 ;;
    satellite|uav) models+=("$1") ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) echo "model-quality.sh: unknown argument '$1' (try --help)" >&2; exit 2 ;;
  esac
  shift
done
[ ${#models[@]} -gt 0 ] || models=(satellite uav)
first_seed=$HELD_OUT_FIRST_SEED

release_geoscout

for model in "${models[@]}"; do
  card="$repo/models/$model/card.json"
  work="$GEOSCOUT_CACHE/quality/$model"
  held_out_scenes "$model" "$work" "$scenes"
  mkdir -p "$work/probs"
  for scene in "$work"/scenes/*.tif; do
    "$geoscout" predict "$scene" --out "$work/probs/$(basename "$scene")" --model "$card" --quiet
  done
  echo "== $model: $scenes held-out scenes, seeds $first_seed-$((first_seed + scenes - 1))"
  "$geoscout" chips "$work"/scenes/*.tif --score "$work/probs" --card "$card" --json "$work/quality.json"
  if [ "$record" -eq 1 ]; then
    python3 - "$card" "$work/quality.json" "$first_seed" "$scenes" <<'EOF'
import json, os, sys
card_path, quality_path, first, count = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
card = json.load(open(card_path))
quality = json.load(open(quality_path))
quality["held_out_seeds"] = f"{first}-{first + count - 1}"
quality["command"] = "scripts/model-quality.sh"
card["properties"]["geoscout:metrics"] = quality
with open(card_path + ".partial", "w") as out:
    json.dump(card, out, indent=2, ensure_ascii=False)
    out.write("\n")
os.replace(card_path + ".partial", card_path)
print(f"recorded in {card_path}")
EOF
  fi
done
