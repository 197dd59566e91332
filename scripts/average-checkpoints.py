#!/usr/bin/env python3
"""Averages the weights of checkpoints that were trained on from one start (a "model soup":
runs that went on from the same checkpoint with `train.py --init` stay close enough in weight
space for their mean to be a model too, often a better one than each). The result is a
checkpoint that `train.py --init` goes on from.

    $GEOSCOUT_CACHE/torch-venv/bin/python scripts/average-checkpoints.py --out soup.pt \\
        thirteenth-run/checkpoint.pt fourteenth-run/checkpoint.pt ...

The checkpoints must agree on profile, classes, band statistics and layers. Batch-norm running
statistics are averaged like the weights; integer counters are taken from the first.
"""

import argparse
import sys
from pathlib import Path

import torch

sys.dont_write_bytecode = True  # keep __pycache__ out of the repository
sys.path.insert(0, str(Path(__file__).resolve().parent))
from geoscout_ml import checkpoints  # noqa: E402
from geoscout_ml.atomic import write_atomically  # noqa: E402


def average(paths: list) -> dict:
    """The checkpoint whose floating-point tensors are the mean of the given ones'."""
    first = checkpoints.read(paths[0])
    runs = [first] + [checkpoints.load(path, first["profile"], first["classes"], first["outputs"])
                      for path in paths[1:]]
    for path, run in zip(paths[1:], runs[1:]):
        for key in ("mean", "std"):
            if not torch.equal(run[key], first[key]):
                raise SystemExit(f"{path}: band {key} differs from {paths[0]}'s: not trained from one start")
        if run["state_dict"].keys() != first["state_dict"].keys():
            raise SystemExit(f"{path}: its layers differ from {paths[0]}'s")
    state = {
        name: sum(run["state_dict"][name] for run in runs) / len(runs) if tensor.is_floating_point() else tensor
        for name, tensor in first["state_dict"].items()
    }
    return {**first, "state_dict": state}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, required=True, help="the averaged checkpoint to write")
    parser.add_argument("checkpoints", type=Path, nargs="+", help="checkpoint.pt files of train.py runs")
    args = parser.parse_args()
    if len(args.checkpoints) < 2:
        raise SystemExit("give at least two checkpoints to average")
    averaged = average(args.checkpoints)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(args.out, lambda partial: torch.save(averaged, partial))
    print(f"wrote {args.out}: the mean of {len(args.checkpoints)} checkpoints", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
