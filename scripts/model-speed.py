#!/usr/bin/env python3
"""Model-only throughput of shipped TorchScript models in PyTorch: megapixels per second of
forward passes on random input of the card's window size (tile + 2 x halo), at batch sizes 1, 4
and 16, with a fixed thread count.

    /var/cache/geoscout/torch-venv/bin/python scripts/model-speed.py [satellite] [uav] [--threads 2]

Prints wall-clock throughput and, beside it, the throughput the process's own CPU time would
allow on two free cores (the two differ when other jobs share the machine). The Rust runtime's
benchmark measures the same through tch.
"""

import argparse
import json
import os
import sys
import time
from pathlib import Path

# As in train.py: idle OpenMP threads sleep instead of spinning (must precede loading torch).
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import torch  # noqa: E402

REPO = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("models", nargs="*", default=["satellite", "uav"])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    for name in args.models:
        folder = REPO / "models" / name
        card = json.loads((folder / "card.json").read_text())["properties"]
        module = torch.jit.load(str(folder / "model.pt"))
        window = card["geoscout:tile_size"] + 2 * card["geoscout:halo"]
        bands = len(card["geoscout:bands"])
        for batch in (1, 4, 16):
            x = torch.rand(batch, bands, window, window)
            with torch.no_grad():
                module(x)  # warm-up: the first pass optimises the graph
                wall, cpu = time.perf_counter(), time.process_time()
                for _ in range(args.repeats):
                    module(x)
                wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            megapixels = args.repeats * batch * window * window / 1e6
            print(f"{name}: batch {batch:2d} x {window} px, {args.threads} threads: "
                  f"{megapixels / wall:5.2f} MP/s wall, {megapixels / (cpu / args.threads):5.2f} MP/s "
                  f"by CPU time", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
