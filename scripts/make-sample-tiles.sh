#!/usr/bin/env bash
# Regenerates sample-tiles/: three satellite and three drone (uav) demo scenes of 512 x 512 px,
# each with its truth GeoJSON, made by `geoscout synth`. The seeds are chosen so that between
# them the scenes show all three targets, winter snow, thin cloud and its shadow, and the
# river confusers. The same seeds always give byte-identical files.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
# shellcheck source=scripts/env.sh
source scripts/env.sh
release_geoscout
out=sample-tiles
mkdir -p "$out"
rm -f "$out"/satellite-*.tif "$out"/satellite-*.truth.geojson "$out"/uav-*.tif "$out"/uav-*.truth.geojson
for seed in 110 113 114; do
    "$geoscout" synth --profile satellite --out "$out" --size 512 --seed "$seed"
done
for seed in 205 208 214; do
    "$geoscout" synth --profile uav --out "$out" --size 512 --seed "$seed"
done
du -ch "$out"/*.tif "$out"/*.geojson | tail -n 1
