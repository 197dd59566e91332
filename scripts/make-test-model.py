#!/usr/bin/env python3
"""Writes the tiny TorchScript test models that prove geoscout's libtorch runtime.

Run with the torch venv (scripts/setup.sh --torch-venv):

    /var/cache/geoscout/torch-venv/bin/python scripts/make-test-model.py

For each imagery profile it writes, under crates/model/tests/fixtures/models/tiny-<profile>/:
  model.pt       a frozen TorchScript network (a stride-2 convolution, a convolution, bilinear
                 upsampling and a sigmoid) with fixed weights drawn from a seeded generator;
  card.json      its model card (STAC Item + MLM extension + geoscout:* fields, models/MODEL_CARD.md);
  expected.json  the network's output on a deterministic input, recorded here, so that the Rust
                 tests compare libtorch-through-tch against PyTorch itself.

The folder is laid out like `models/`, so `GEOSCOUT_MODELS=crates/model/tests/fixtures/models`
lets the binary and other crates' tests use the tiny models in place of the shipped ones.
"""

import argparse
import hashlib
import json
from pathlib import Path

import pystac
import torch
import torch.nn.functional as F
from stac_model.input import InputStructure, ModelInput
from stac_model.output import MLMClassification, ModelOutput, ModelResult
from stac_model.schema import MLModelExtension, MLModelProperties
from torch import nn

REPO = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPO / "crates/model/tests/fixtures/models"

# Matches targets.md and crates/core's Profile.
PROFILES = {
    "satellite": {
        "bands": ["blue", "green", "red", "nir"],
        "data_type": "UInt16",
        "full_scale": 10000.0,
        "nodata": 0,
        "gsd_range_m": [1.0, 2.0],
        "seed": 11,
    },
    "uav": {
        "bands": ["red", "green", "blue"],
        "data_type": "Byte",
        "full_scale": 255.0,
        "nodata": None,
        "gsd_range_m": [0.05, 0.2],
        "seed": 12,
    },
}
CLASSES = [
    {"class": "coal_gangue_pile", "output": "polygon", "threshold": 0.5, "min_area_m2": 400.0},
    {"class": "discharge_outlet", "output": "point", "threshold": 0.3},
    {"class": "dust_source", "output": "polygon", "threshold": 0.5, "min_area_m2": 200.0},
]
SIZE_MULTIPLE = 2  # the network's total stride
HALO = 8  # must cover the receptive field radius measured below
TILE_SIZE = 256
HIDDEN = 8


class TinyNet(nn.Module):
    """Small but real: its outputs depend on a neighbourhood of each pixel, like the real models."""

    def __init__(self, bands: int, classes: int):
        super().__init__()
        self.down = nn.Conv2d(bands, HIDDEN, 3, stride=2, padding=1)
        self.head = nn.Conv2d(HIDDEN, classes, 3, padding=1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.head(torch.relu(self.down(x)))
        y = F.interpolate(y, scale_factor=2.0, mode="bilinear", align_corners=False)
        return torch.sigmoid(y)


def build(bands: int, seed: int) -> nn.Module:
    generator = torch.Generator().manual_seed(seed)
    net = TinyNet(bands, len(CLASSES))
    with torch.no_grad():
        for param in net.parameters():
            # Wide enough that the probabilities spread over 0..1, narrow enough not to saturate.
            param.copy_(torch.randn(param.shape, generator=generator) * 0.5)
    return net.eval()


def reference_input(n: int, c: int, h: int, w: int) -> torch.Tensor:
    """The input the Rust tests rebuild from the same formula (see expected.json)."""
    ns, cs, hs, ws = torch.meshgrid(
        torch.arange(n), torch.arange(c), torch.arange(h), torch.arange(w), indexing="ij"
    )
    return ((ns * 31 + cs * 17 + hs * 7 + ws * 3) % 23).to(torch.float32) / 22.0


REFERENCE_FORMULA = "x[n,c,h,w] = ((31n + 17c + 7h + 3w) mod 23) / 22"


def receptive_radius(net: nn.Module, bands: int) -> int:
    """Chebyshev distance from a changed input pixel to the farthest output pixel it changes."""
    size = 64
    generator = torch.Generator().manual_seed(0)
    base = torch.rand((1, bands, size, size), generator=generator)
    radius = 0
    for centre in (30, 31, 32, 33):
        bumped = base.clone()
        bumped[:, :, centre, centre] += 1.0
        with torch.no_grad():
            changed = (net(bumped) - net(base)).abs().amax(dim=(0, 1)) > 0
        ys, xs = torch.nonzero(changed, as_tuple=True)
        far = torch.maximum((ys - centre).abs(), (xs - centre).abs()).max().item()
        radius = max(radius, int(far))
    return radius


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def card(name: str, profile: str, spec: dict, weights: Path, radius: int) -> dict:
    bands = spec["bands"]
    window = TILE_SIZE + 2 * HALO
    model_input = ModelInput(
        name=f"{len(bands)} bands, stored value / {spec['full_scale']:g}",
        bands=bands,
        input=InputStructure(
            shape=[-1, len(bands), window, window],
            dim_order=["batch", "bands", "height", "width"],
            data_type="float32",
        ),
        value_scaling=[{"type": "scale", "value": spec["full_scale"]} for _ in bands],
    )
    model_output = ModelOutput(
        name="class probabilities",
        tasks={"semantic-segmentation"},
        classes=[MLMClassification(value=i, name=c["class"]) for i, c in enumerate(CLASSES)],
        result=ModelResult(
            shape=[-1, len(CLASSES), window, window],
            dim_order=["batch", "channel", "height", "width"],
            data_type="float32",
        ),
    )
    properties = MLModelProperties(
        name=name,
        architecture="tiny test network: conv3x3/2, relu, conv3x3, bilinear x2, sigmoid",
        tasks={"semantic-segmentation"},
        framework="pytorch",
        framework_version=torch.__version__.split("+")[0],
        accelerator="amd64",
        accelerator_constrained=False,
        file_size=weights.stat().st_size,
        pretrained=False,
        total_parameters=sum(p.numel() for p in build(len(bands), spec["seed"]).parameters()),
        input=[model_input],
        output=[model_output],
    )
    # A Datong footprint: the models are meant for the place, not for the whole world.
    bbox = [112.6, 39.5, 114.6, 40.8]
    item = pystac.Item(
        id=name,
        geometry={
            "type": "Polygon",
            "coordinates": [[[112.6, 39.5], [114.6, 39.5], [114.6, 40.8], [112.6, 40.8], [112.6, 39.5]]],
        },
        bbox=bbox,
        datetime=None,
        properties={
            "start_datetime": "2024-01-01T00:00:00Z",
            "end_datetime": "2024-12-31T23:59:59Z",
            "description": "Untrained test network with seeded weights; proves the libtorch runtime. "
            "Its probabilities mean nothing.",
        },
    )
    item.add_asset(
        "weights",
        pystac.Asset(
            href=weights.name,
            media_type="application/octet-stream; application=pytorch",
            roles=["mlm:model", "mlm:weights", "data"],
            extra_fields={"mlm:artifact_type": "torch.jit.script"},
        ),
    )
    MLModelExtension.ext(item, add_if_missing=True).apply(properties)
    document = item.to_dict(include_self_link=False)
    document["properties"].update(
        {
            "geoscout:profile": profile,
            "geoscout:tile_size": TILE_SIZE,
            "geoscout:halo": HALO,
            "geoscout:size_multiple": SIZE_MULTIPLE,
            "geoscout:gsd_range_m": spec["gsd_range_m"],
            "geoscout:data_type": spec["data_type"],
            "geoscout:bands": bands,
            "geoscout:band_scale": [1.0 / spec["full_scale"]] * len(bands),
            "geoscout:band_offset": [0.0] * len(bands),
            "geoscout:nodata": spec["nodata"],
            "geoscout:classes": [dict(c, channel=i) for i, c in enumerate(CLASSES)],
            "geoscout:weights_sha256": sha256(weights),
            "geoscout:training": {
                "synthetic": True,
                "epochs": 0,
                "seeds": f"weights: torch.Generator seed {spec['seed']}",
                "note": f"not trained; receptive field radius measured at {radius} px",
            },
            "geoscout:metrics": {},
        }
    )
    return document


def write_model(out: Path, profile: str, spec: dict) -> None:
    name = f"tiny-{profile}"
    folder = out / name
    folder.mkdir(parents=True, exist_ok=True)
    bands = len(spec["bands"])
    net = build(bands, spec["seed"])

    radius = receptive_radius(net, bands)
    if radius >= HALO:
        raise SystemExit(f"{name}: receptive field radius {radius} px does not fit in the halo {HALO}")

    weights = folder / "model.pt"
    frozen = torch.jit.freeze(torch.jit.script(net))
    frozen.save(str(weights))

    # Record what PyTorch itself computes, through the saved file, for the Rust tests.
    shape = [2, bands, 8, 12]
    reloaded = torch.jit.load(str(weights))
    with torch.no_grad():
        output = reloaded(reference_input(*shape))
    expected = {
        "input": {"shape": shape, "formula": REFERENCE_FORMULA},
        "output": {
            "shape": list(output.shape),
            "values": [round(v, 7) for v in output.flatten().tolist()],
        },
    }
    (folder / "expected.json").write_text(json.dumps(expected) + "\n")
    document = card(name, profile, spec, weights, radius)
    (folder / "card.json").write_text(json.dumps(document, indent=2) + "\n")
    print(f"{folder}: {weights.stat().st_size} B weights, receptive radius {radius} px, halo {HALO}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="models folder to write into")
    args = parser.parse_args()
    torch.set_num_threads(1)
    for profile, spec in PROFILES.items():
        write_model(args.out, profile, spec)


if __name__ == "__main__":
    main()
