#!/usr/bin/env bash
# Quick start, first command: installs what is missing (scripts/setup.sh), builds geoscout in
# release mode and scans the shipped sample tiles with the shipped default models.
# Leads land in out/demo/ (leads.geojson, leads.gpkg, leads.fgb, leads.qml, chips/, run.json);
# open out/demo/leads.gpkg in QGIS beside the tiles in sample-tiles/.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
bash scripts/setup.sh
# shellcheck source=scripts/env.sh
source scripts/env.sh
release_geoscout
out="${1:-out/demo}"
"$geoscout" scan sample-tiles --out "$out"
"$geoscout" eval --truth sample-tiles --leads "$out"
