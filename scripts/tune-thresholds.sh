#!/usr/bin/env bash
# Object-level threshold sweep for a model: scans validation scenes (never the held-out ones) at
# each threshold in turn, scores the leads with `geoscout eval`, and prints per-class precision,
# recall and F1 per threshold, then the best threshold per class. Classes are scored
# independently, so one scan per threshold serves all three. --peak-threshold CLASS=X and
# --min-score CLASS=X (repeatable) are passed on to every scan, to sweep the outline threshold
# under fixed lead filters. --sweep min-score sweeps the smallest lead score (the mean probability
# of a lead's pixels) instead, under the card's outline thresholds or those fixed by --threshold
# CLASS=X (repeatable).
#
#   scripts/tune-thresholds.sh [--sweep threshold|min-score] [--peak-threshold CLASS=X]...
#                              [--min-score CLASS=X]... [--threshold CLASS=X]... MODEL SCENES_DIR
#                              [VALUE...]
#
# SCENES_DIR holds NAME.tif and NAME.truth.geojson (for the shipped models: the validation seeds
# named in the card's geoscout:training). Default values: 0.1 to 0.9 in steps of 0.1.
# Work files go to $GEOSCOUT_CACHE/tune/MODEL. GEOSCOUT_BIN names a geoscout binary to use.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=scripts/env.sh
source "$repo/scripts/env.sh"

sweep=threshold
filters=()
while [ $# -gt 0 ]; do
  case "$1" in
    --sweep)
      sweep=$2
      [ "$sweep" = threshold ] || [ "$sweep" = min-score ] ||
        { echo "tune-thresholds.sh: --sweep takes threshold or min-score, not '$sweep'" >&2; exit 2; }
      ;;
    --peak-threshold|--min-score|--threshold) filters+=("$1" "$2") ;;
    *) break ;;
  esac
  shift 2
done
if [ $# -lt 2 ]; then
  sed -n '2,17p' "$0"
  exit 2
fi
model=$1
scenes=$2
shift 2
thresholds=("$@")
[ ${#thresholds[@]} -gt 0 ] || thresholds=(0.1 0.2 0.3 0.4 0.5 0.6 0.7 0.8 0.9)

release_geoscout
work="$GEOSCOUT_CACHE/tune/$model"
rm -rf "$work"
mkdir -p "$work"
for t in "${thresholds[@]}"; do
  "$geoscout" scan "$scenes" --out "$work/$t" --model "$model" --quiet "${filters[@]}" \
    "--$sweep" "coal_gangue_pile=$t" "--$sweep" "discharge_outlet=$t" "--$sweep" "dust_source=$t"
  "$geoscout" eval --truth "$scenes" --leads "$work/$t" --json > "$work/$t.json"
done

python3 - "$work" "$sweep" "${thresholds[@]}" <<'EOF'
import json
import sys

work, thresholds = sys.argv[1], sys.argv[3:]
scores = {t: json.load(open(f"{work}/{t}.json"))["classes"] for t in thresholds}
classes = list(scores[thresholds[0]])
print(f"{sys.argv[2]:>9}  " + "  ".join(f"{c:>30}" for c in classes))
print(f"{'':>9}  " + "  ".join(f"{'P':>8} {'R':>6} {'F1':>6} {'TP/FP':>7}" for _ in classes))
for t in thresholds:
    cells = []
    for c in classes:
        s = scores[t][c]
        p, r, f1 = (f"{s[k]:.3f}" if s[k] is not None else "-" for k in ("precision", "recall", "f1"))
        cells.append(f"{p:>8} {r:>6} {f1:>6} {s['true_positives']:>3}/{s['false_positives']:<3}")
    print(f"{t:>9}  " + "  ".join(cells))
for c in classes:
    best = max(thresholds, key=lambda t: scores[t][c]["f1"] or 0.0)
    print(f"best {c}: {best} (F1 {scores[best][c]['f1'] or 0.0:.3f})")
EOF
