#!/usr/bin/env python3
"""Picks the training chips a model gets wrong, for a further `train.py --init` run on them (hard
example mining): every chip of the `train` split where the model misses an object of the given
classes or draws a false one (scripts/geoscout_ml/hard.py says how they are counted), plus a
seeded sample of the others so that the run still sees what it gets right.

    $GEOSCOUT_CACHE/torch-venv/bin/python scripts/hard-chips.py --model models/satellite \\
        --classes coal_gangue_pile dust_source --out sat-hard --others 2000 \\
        sat-chips sat-chips-winter sat-chips-pool

OUT becomes a chip folder that train.py reads like any other: its index.jsonl names the chips of
the given folders (no image is copied), and errors.jsonl records what the model got wrong on each.
"""

import argparse
import json
import os
import random
import sys
import time
from pathlib import Path

import numpy as np
import torch

sys.dont_write_bytecode = True  # keep __pycache__ out of the repository
sys.path.insert(0, str(Path(__file__).resolve().parent))
from geoscout_ml import checkpoints, chips, hard, tuning  # noqa: E402
from geoscout_ml.atomic import write_atomically  # noqa: E402

# Chips per forward pass.
BATCH = 16


def score(model, folder: Path, entries: list, judged: dict) -> list:
    """Per entry, {class: object_errors} for the given {class: (channel, output, threshold byte)}."""
    errors = []
    for start in range(0, len(entries), BATCH):
        group = entries[start : start + BATCH]
        predictions = tuning.predict_bytes(model, [np.load(folder / e["image"]) for e in group], batch=BATCH)
        for entry, prediction in zip(group, predictions):
            target = np.load(folder / entry["target"])
            errors.append({name: hard.object_errors(target[k], prediction[k], output, threshold)
                           for name, (k, output, threshold) in judged.items()})
    return errors


def frozen_model(path: Path) -> torch.jit.ScriptModule:
    """A model folder's model.pt."""
    if not path.is_file():
        raise SystemExit(f"{path}: not found; a model folder holds model.pt and card.json")
    return torch.jit.load(str(path))


def judged_classes(classes: list, args: argparse.Namespace) -> dict:
    """{class: (channel, output, threshold byte)} of the classes whose errors count."""
    judged = {}
    for k, entry in enumerate(classes):
        name, output = entry["class"], entry["output"]
        if args.classes is None or name in args.classes:
            probability = args.threshold if output == "polygon" else args.point_threshold
            judged[name] = (k, output, tuning.byte_threshold(probability))
    unknown = set(args.classes or []) - set(judged)
    if unknown:
        raise SystemExit(f"no such class in the chips: {', '.join(sorted(unknown))}")
    return judged


def relocated(entry: dict, folder: Path, out: Path) -> dict:
    """The entry with its file paths relative to the new folder."""
    return {**entry, **{key: os.path.relpath(folder / entry[key], out) for key in ("image", "target")}}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path, required=True,
                        help="a model folder (its model.pt) or a checkpoint.pt (train.py, average-checkpoints.py)")
    parser.add_argument("--classes", nargs="+", help="the classes whose errors count [default: all]")
    parser.add_argument("--out", type=Path, required=True, help="the chip folder to write")
    parser.add_argument("--threshold", type=float, default=0.5,
                        help="probability from which a polygon class is predicted [default: 0.5]")
    parser.add_argument("--point-threshold", type=float, default=0.15,
                        help="probability from which a point class is predicted [default: 0.15]")
    parser.add_argument("--others", type=int, default=2000, help="chips it gets right to keep [default: 2000]")
    parser.add_argument("--seed", type=int, default=0, help="seed of the sample of the others")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("chips", nargs="+", help="chip folders (geoscout chips --out)")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    if args.model.is_dir():
        weights = args.model / "model.pt"
        model = frozen_model(weights)
    else:
        weights = args.model
        model = checkpoints.deployed(weights)

    manifests = chips.read_manifests(args.chips)
    judged = judged_classes(manifests[0]["classes"], args)
    out = args.out.resolve()
    wrong, right, records = [], [], []
    started = time.time()
    for folder in map(Path, args.chips):
        entries = [e for e in chips.read_index(folder) if e["split"] == "train"]
        for entry, errors in zip(entries, score(model, folder, entries, judged)):
            records.append({"folder": str(folder), "image": entry["image"], **errors})
            missed_or_false = any(e["missed"] or e["false"] for e in errors.values())
            (wrong if missed_or_false else right).append(relocated(entry, folder.resolve(), out))
        print(f"{folder}: {len(entries)} chips scored, {(time.time() - started) / 60:.1f} min", flush=True)
    random.Random(args.seed).shuffle(right)
    picked = wrong + right[: args.others]

    manifest = {**manifests[0], "rasters": [r for m in manifests for r in m["rasters"]],
                "chips": {"train": len(picked)},
                "picked_by": {"model": str(weights), "classes": sorted(judged), "threshold": args.threshold,
                              "point_threshold": args.point_threshold, "wrong": len(wrong),
                              "others": len(picked) - len(wrong), "seed": args.seed,
                              "from": [str(f) for f in args.chips]}}
    out.mkdir(parents=True, exist_ok=True)
    write_atomically(out / "errors.jsonl",
                     lambda partial: partial.write_text("".join(json.dumps(r) + "\n" for r in records)))
    write_atomically(out / "index.jsonl",
                     lambda partial: partial.write_text("".join(json.dumps(e) + "\n" for e in picked)))
    write_atomically(out / "chips.json", lambda partial: partial.write_text(json.dumps(manifest, indent=2) + "\n"))
    print(f"wrote {out}: {len(wrong)} chips with a missed or false object of {len(records)}, "
          f"and {len(picked) - len(wrong)} others", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
