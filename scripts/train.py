#!/usr/bin/env python3
"""Trains a geoscout segmentation model on chips from `geoscout chips` and writes
models/<name>/model.pt (frozen TorchScript) and models/<name>/card.json (models/MODEL_CARD.md).

Run with the torch environment of `scripts/setup.sh --torch-venv`:

    geoscout chips scenes/*.tif --out /var/cache/geoscout/train/sat-chips
    /var/cache/geoscout/torch-venv/bin/python scripts/train.py --profile satellite \\
        --chips /var/cache/geoscout/train/sat-chips --name satellite --epochs 12

Training uses the chips of the `train` split; the `val` split (whole scenes set aside by
`geoscout chips --val-share`) chooses the per-class thresholds and measures the halo. The run is
seeded and deterministic for a given thread count (fixed data order, seeded augmentation,
deterministic algorithms). The script prints the validation figures; held-out figures come from
scripts/model-quality.sh. `--epochs 0 --init CHECKPOINT` trains nothing: it turns a checkpoint made
elsewhere (scripts/average-checkpoints.py) into a model folder, measured and carded the same way.
"""

import argparse
import json
import os
import sys
import time
from pathlib import Path

# Threads that wait for work sleep instead of spinning: on a machine shared with other jobs,
# spinning OpenMP threads burnt five times the CPU of the work itself (measured here). It must
# be set before torch loads its OpenMP runtime.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import numpy as np  # noqa: E402
import torch  # noqa: E402

sys.dont_write_bytecode = True  # keep __pycache__ out of the repository
sys.path.insert(0, str(Path(__file__).resolve().parent))
from geoscout_ml import augment, card, checkpoints, chips, losses, net, tuning  # noqa: E402
from geoscout_ml.atomic import write_atomically  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
# Largest difference allowed between a core predicted from different tilings: half a step of the
# Byte probabilities, so that the stored bytes differ by at most one (1/255).
HALO_TOLERANCE = 0.5 / 255.0
# The halo is measured by tiling validation chips with two core sizes whose seams fall apart.
HALO_CORES = (128, 192)
HALO_LARGEST = 384
# Chips with the most labelled pixels: tiling matters most where the model is unsure.
HALO_CHIPS = 8


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--chips", nargs="+", required=True, help="chip folders (geoscout chips --out)")
    parser.add_argument("--profile", choices=sorted(card.PROFILES), required=True)
    parser.add_argument("--name", required=True, help="model name (the card's id)")
    parser.add_argument("--out", type=Path, help="output folder [default: models/NAME]")
    parser.add_argument("--epochs", type=int, default=12,
                        help="passes over the training chips; 0 (with --init) only freezes and cards the start")
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--lr", type=float, default=3e-3, help="peak learning rate (one-cycle)")
    parser.add_argument("--weight-decay", type=float, default=1e-4)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--max-train-chips", type=int,
                        help="train on a seeded sample of this many chips (quick trial runs)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--tile-size", type=int, default=1024, help="default tile core size in the card")
    parser.add_argument("--halo", type=int, help="halo in pixels [default: measured on validation chips]")
    parser.add_argument("--max-minutes", type=float, default=55.0,
                        help="stop training after this long (the card records it)")
    parser.add_argument("--data", default="", help="how the scenes were made (recorded in the card)")
    parser.add_argument("--synthetic", action="store_true", help="the scenes are synthetic (geoscout synth)")
    parser.add_argument("--veil-share", type=float, default=0.0,
                        help="share of training chips given a synthetic thin cloud or cloud shadow")
    parser.add_argument("--init", type=Path,
                        help="start from the weights of an earlier run (its OUT/checkpoint.pt) "
                             "instead of from scratch; the profile and classes must agree")
    args = parser.parse_args()
    if args.epochs < 0 or (args.epochs == 0 and not args.init):
        parser.error("--epochs takes a positive count, or 0 with --init (freeze and card that checkpoint)")
    return args


def band_statistics(images: list) -> tuple:
    """Mean and standard deviation per band over the pixels with data."""
    stack = np.stack(images).astype(np.float32)
    valid = np.abs(stack).sum(1, keepdims=True) > 0
    count = valid.sum()
    mean = (stack * valid).sum((0, 2, 3)) / count
    var = (((stack - mean[None, :, None, None]) ** 2) * valid).sum((0, 2, 3)) / count
    return (torch.tensor(mean, dtype=torch.float32),
            torch.tensor(np.sqrt(var).clip(1e-3), dtype=torch.float32))


def train(model: net.SegNet, split: chips.Split, names: list, outputs: list, mean, std, args) -> dict:
    images, targets = split.stacked()
    steps_per_epoch = len(images) // args.batch
    # Channels-last tensors let oneDNN's convolutions run faster on CPU.
    model.to(memory_format=torch.channels_last)
    optimizer = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=args.weight_decay)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=args.lr,
                                                   total_steps=args.epochs * steps_per_epoch)
    started = time.time()
    history = []
    for epoch in range(args.epochs):
        rng = np.random.default_rng([args.seed, epoch])
        order = rng.permutation(len(images))
        model.train()
        total = np.zeros(len(names))
        for step in range(steps_per_epoch):
            picked = np.sort(order[step * args.batch : (step + 1) * args.batch])
            x, y = augment.orient(images[picked], targets[picked], rng)
            x = augment.veil(x, args.veil_share, rng)
            x = torch.from_numpy(x.astype(np.float32)).contiguous(memory_format=torch.channels_last)
            y = torch.from_numpy(y.astype(np.float32) / 255.0)
            valid = (x.abs().sum(1) > 0).to(torch.float32)
            logits = model((x - mean[None, :, None, None]) / std[None, :, None, None])
            per_class = losses.class_losses(logits, y, valid, outputs)
            optimizer.zero_grad()
            per_class.sum().backward()
            optimizer.step()
            schedule.step()
            total += per_class.detach().numpy()
            if (step + 1) % 50 == 0:
                print(f"  step {step + 1}/{steps_per_epoch}: loss {describe(total / (step + 1), names)}, "
                      f"{(time.time() - started) / 60:.1f} min", flush=True)
        minutes = (time.time() - started) / 60
        history.append(round(float(total.sum()) / steps_per_epoch, 4))
        print(f"epoch {epoch + 1}/{args.epochs}: loss {describe(total / steps_per_epoch, names)}, "
              f"{minutes:.1f} min", flush=True)
        if minutes > args.max_minutes and epoch + 1 < args.epochs:
            print(f"stopping: past --max-minutes {args.max_minutes}", flush=True)
            break
    return {"epochs_done": len(history), "loss_per_epoch": history,
            "minutes": round((time.time() - started) / 60, 1)}


def describe(losses: np.ndarray, names: list) -> str:
    """The summed loss and each class's share, for the training log."""
    parts = ", ".join(f"{name} {value:.3f}" for name, value in zip(names, losses))
    return f"{losses.sum():.4f} ({parts})"


def main() -> int:
    args = parse_args()
    out = args.out or REPO / "models" / args.name
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    torch.use_deterministic_algorithms(True)
    profile = card.PROFILES[args.profile]

    manifest, splits = chips.load(args.chips)
    train_split, val_split = splits["train"], splits["val"]
    if not len(train_split) or not len(val_split):
        raise SystemExit(f"need chips in both splits (train: {len(train_split)}, val: {len(val_split)}); "
                         "use geoscout chips --val-share")
    if len(manifest["bands"]) != len(profile["bands"]) or manifest["data_type"] != profile["data_type"]:
        raise SystemExit(f"chips have {len(manifest['bands'])} {manifest['data_type']} bands; "
                         f"profile {args.profile} needs {len(profile['bands'])} {profile['data_type']}")
    if args.max_train_chips and args.max_train_chips < len(train_split):
        train_split = train_split.sample(args.max_train_chips, args.seed)
    names = [c["class"] for c in manifest["classes"]]
    outputs = [c["output"] for c in manifest["classes"]]
    print(f"chips: {len(train_split)} train ({len(train_split.scenes())} scenes), "
          f"{len(val_split)} val ({len(val_split.scenes())} scenes)", flush=True)

    model = net.SegNet(len(manifest["bands"]), outputs)
    if args.init:
        start = checkpoints.load(args.init, args.profile, names, outputs)
        checkpoints.load_weights(model, start["state_dict"], args.init)
        mean, std = start["mean"], start["std"]
    else:
        mean, std = band_statistics(train_split.images)
    if args.epochs:
        fitted = train(model, train_split, names, outputs, mean, std, args)
    else:
        fitted = {"epochs_done": 0, "loss_per_epoch": [], "minutes": 0.0}

    out.mkdir(parents=True, exist_ok=True)
    weights = out / "model.pt"
    model.to(memory_format=torch.contiguous_format)
    checkpoints.save(model, mean, std, args.profile, names, outputs, out / "checkpoint.pt")
    frozen = net.export(model.eval(), mean, std)
    write_atomically(weights, lambda partial: frozen.save(str(partial)))
    deployed = torch.jit.load(str(weights))

    predictions = tuning.predict_bytes(deployed, val_split.images)
    tuned = tuning.tune(predictions, val_split.targets, val_split.gsd, outputs, names,
                        profile["point_radius_m"])
    for name, figures in tuned.items():
        print(f"val {name}: " + ", ".join(f"{k} {v:.3f}" if isinstance(v, float) else f"{k} {v}"
                                          for k, v in figures.items()), flush=True)
    busiest = sorted(range(len(val_split)), key=lambda i: -int((val_split.targets[i] > 127).sum()))
    halo_images = [val_split.images[i] for i in busiest[:HALO_CHIPS]]
    halo = tuning.measure_halo(deployed, halo_images, HALO_CORES, net.SIZE_MULTIPLE, HALO_LARGEST,
                               HALO_TOLERANCE)
    print(f"halo: {halo}", flush=True)
    chosen_halo = args.halo or halo["halo"]
    if chosen_halo is None:
        raise SystemExit(f"no halo up to {HALO_LARGEST} px gives the same probabilities for two tilings of "
                         "the validation chips; give --halo")

    classes = []
    for k, (name, output) in enumerate(zip(names, outputs)):
        entry = {"class": name, "channel": k, "output": output, "threshold": tuned[name]["threshold"]}
        if name in card.MIN_AREA_M2:
            entry["min_area_m2"] = card.MIN_AREA_M2[name]
        classes.append(entry)
    training = {
        "synthetic": args.synthetic,
        "data": args.data,
        "scenes": {"train": len(train_split.scenes()), "val": len(val_split.scenes())},
        "chips": {"train": len(train_split), "val": len(val_split),
                  "size": manifest["chip_size"], "folders": [str(Path(c)) for c in args.chips]},
        "gsd_m_trained": manifest["gsd_range"],
        "outlet_sigma": manifest["outlet_sigma_m"] or f"{manifest['outlet_sigma_px']} px",
        "epochs": args.epochs,
        # A frozen checkpoint (--epochs 0) had no optimiser here; its own runs' cards have theirs.
        **({"batch": args.batch, "optimizer": "AdamW, one-cycle", "lr": args.lr,
            "weight_decay": args.weight_decay, "seed": args.seed, "threads": args.threads}
           if args.epochs else {}),
        "augmentation": "rotations by 90 degrees and flips"
                        + (f", thin cloud or its shadow drawn over {args.veil_share:g} of the chips"
                           if args.veil_share > 0 else ""),
        "loss": f"BCE + soft Dice over the batch + {losses.CHIP_DICE_WEIGHT} x soft Dice per chip (polygon "
                f"classes), {losses.POINT_WEIGHT} x penalty-reduced focal loss (point classes)",
        **fitted,
        "validation": tuned,
        "halo_measured": {"cores_px": list(HALO_CORES), "chips": len(halo_images), "tolerance": HALO_TOLERANCE,
                          **halo},
        "init": str(args.init) if args.init else None,
        "command": " ".join(["scripts/train.py"] + sys.argv[1:]),
    }
    document = card.build(
        name=args.name,
        description=f"geoscout {args.profile} model: coal gangue piles, discharge outlets and dust sources. "
        + ("Trained on synthetic scenes only (geoscout synth); real imagery may need fine-tuning."
           if args.synthetic else ""),
        architecture=net.ARCHITECTURE, profile=args.profile, layout=manifest, classes=classes,
        weights=weights, tile_size=args.tile_size, halo=chosen_halo, size_multiple=net.SIZE_MULTIPLE,
        gsd_range_m=profile["gsd_range_m"], total_parameters=sum(p.numel() for p in model.parameters()),
        training=training, metrics={},
    )
    problems = card.validate(document, out)
    if problems:
        raise SystemExit("the card does not validate:\n  " + "\n  ".join(problems))
    text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    write_atomically(out / "card.json", lambda partial: partial.write_text(text))
    print(f"wrote {weights} ({weights.stat().st_size / 1e6:.1f} MB) and {out / 'card.json'} "
          f"in {fitted['minutes']} min of training", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
