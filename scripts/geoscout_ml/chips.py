"""Reading chip folders written by `geoscout chips` (chips.json, index.jsonl, images/, targets/)."""

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

FORMAT = "geoscout-chips/1"
# Manifest fields that every chip folder of one training run must agree on.
SHARED_FIELDS = ("bands", "data_type", "band_scale", "band_offset", "nodata", "classes")


@dataclass
class Split:
    """The chips of one split: images float16 [N, bands, S, S], targets uint8 [N, classes, S, S]
    (probability x 255), and per chip its ground sample distance and index entry."""

    images: list = field(default_factory=list)
    targets: list = field(default_factory=list)
    gsd: list = field(default_factory=list)
    entries: list = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.images)

    def sample(self, count: int, seed: int) -> "Split":
        """A seeded sample of `count` chips, in their original order."""
        picked = sorted(np.random.default_rng(seed).choice(len(self), count, replace=False))
        return Split(*([getattr(self, f)[i] for i in picked] for f in ("images", "targets", "gsd", "entries")))

    def stacked(self) -> tuple:
        """The images and targets as two arrays [N, ...] (the chips of a training split share one
        size). Each chip becomes a view into them, so that their memory is held once."""
        return stack_in_place(self.images), stack_in_place(self.targets)

    def scenes(self) -> list:
        return sorted({e["raster"] for e in self.entries})


def stack_in_place(arrays: list) -> np.ndarray:
    """Copies equal-shaped arrays into one and replaces each list item with its view there,
    releasing the arrays one by one, so that memory never holds both."""
    stacked = np.empty((len(arrays),) + arrays[0].shape, arrays[0].dtype)
    for i, array in enumerate(arrays):
        stacked[i] = array
        arrays[i] = stacked[i]
    return stacked


def read_manifest(folder: Path) -> dict:
    path = folder / "chips.json"
    try:
        manifest = json.loads(path.read_text())
    except FileNotFoundError:
        raise SystemExit(f"{path}: not found; make chips with `geoscout chips ... --out {folder}`")
    if manifest.get("format") != FORMAT:
        raise SystemExit(f"{path}: format {manifest.get('format')!r}, expected {FORMAT!r}")
    return manifest


def read_manifests(folders: list) -> list:
    """The manifests of chip folders, which must agree on bands, data type, scaling, nodata and
    classes."""
    if not folders:
        raise SystemExit("no chip folders given")
    manifests = [read_manifest(Path(folder)) for folder in folders]
    for folder, manifest in zip(folders[1:], manifests[1:]):
        for key in SHARED_FIELDS:
            if manifest[key] != manifests[0][key]:
                raise SystemExit(f"{folder}: {key} {manifest[key]!r} differs from {folders[0]}'s "
                                 f"{manifests[0][key]!r}")
    return manifests


def read_index(folder: Path) -> list:
    """The entries of a folder's index.jsonl, one per chip."""
    with open(folder / "index.jsonl") as index:
        return [json.loads(line) for line in index]


def load(folders: list) -> tuple:
    """Reads every chip of the folders; returns (manifest of the first, {"train": Split, "val": Split}).

    Folders must agree on bands, data type, scaling, nodata and classes."""
    splits = {"train": Split(), "val": Split()}
    manifests = read_manifests(folders)
    for folder, manifest in zip(map(Path, folders), manifests):
        gsd = {r["raster"]: r["gsd"] for r in manifest["rasters"]}
        for entry in read_index(folder):
            split = splits[entry["split"]]
            # Read through a file mapping, so that no float32 copy passes through the heap.
            split.images.append(np.load(folder / entry["image"], mmap_mode="r").astype(np.float16))
            split.targets.append(np.load(folder / entry["target"]))
            split.gsd.append(gsd[entry["raster"]])
            split.entries.append(entry)
    return manifests[0], splits
