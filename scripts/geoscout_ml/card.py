"""The model card (models/MODEL_CARD.md): a STAC Item with the MLM extension and geoscout's own fields.

Validation works offline: the Item is checked against pystac's bundled STAC core schema, and the
`mlm:*` fields against stac-model's pydantic models (MLModelProperties). pystac's full validation
would fetch the MLM JSON schema from stac-extensions.github.io, which cannot be reached here.
"""

import copy
import hashlib
import json
from pathlib import Path

import pystac
import pystac.validation
import torch
from stac_model.input import InputStructure, ModelInput
from stac_model.output import MLMClassification, ModelOutput, ModelResult
from stac_model.schema import MLModelExtension, MLModelProperties

# What each imagery profile looks like on disk (targets.md; crates/core's Profile).
PROFILES = {
    "satellite": {"bands": ["blue", "green", "red", "nir"], "data_type": "UInt16", "nodata": 0,
                  "gsd_range_m": [1.0, 2.0], "point_radius_m": 20.0},
    "uav": {"bands": ["red", "green", "blue"], "data_type": "Byte", "nodata": None,
            "gsd_range_m": [0.05, 0.2], "point_radius_m": 2.0},
}
# Smallest objects worth reporting (targets.md: piles from 40 m, dust sources from 20 m across).
MIN_AREA_M2 = {"coal_gangue_pile": 400.0, "dust_source": 200.0}
# Datong, the place the models are made for.
BBOX = [112.6, 39.5, 114.6, 40.8]
REQUIRED = (
    "geoscout:profile", "geoscout:tile_size", "geoscout:halo", "geoscout:size_multiple",
    "geoscout:gsd_range_m", "geoscout:data_type", "geoscout:bands", "geoscout:band_scale",
    "geoscout:band_offset", "geoscout:nodata", "geoscout:classes", "geoscout:weights_sha256",
    "geoscout:training", "geoscout:metrics",
)


def locate(path: Path) -> Path:
    """The card.json of a model folder, or the path itself when it names a file."""
    return path / "card.json" if path.is_dir() else path


def read(path: Path) -> dict:
    """The card of a model folder or card.json path."""
    path = locate(path)
    try:
        return json.loads(path.read_text())
    except FileNotFoundError:
        raise SystemExit(f"{path}: not found; a model folder holds model.pt and card.json")


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def build(*, name: str, description: str, architecture: str, profile: str, layout: dict,
          classes: list, weights: Path, tile_size: int, halo: int, size_multiple: int,
          gsd_range_m: list, total_parameters: int, training: dict, metrics: dict) -> dict:
    """The card of a model. `layout` holds bands, data_type, band_scale, band_offset and nodata
    (as chips.json states them); `classes` the card's class entries in channel order."""
    bands = layout["bands"]
    window = tile_size + 2 * halo
    model_input = ModelInput(
        name=f"{len(bands)} bands, stored value x {layout['band_scale'][0]:g}",
        bands=bands,
        input=InputStructure(shape=[-1, len(bands), window, window],
                             dim_order=["batch", "bands", "height", "width"], data_type="float32"),
        value_scaling=[{"type": "scale", "value": 1.0 / s} for s in layout["band_scale"]],
    )
    model_output = ModelOutput(
        name="class probabilities",
        tasks={"semantic-segmentation"},
        classes=[MLMClassification(value=c["channel"], name=c["class"]) for c in classes],
        result=ModelResult(shape=[-1, len(classes), window, window],
                           dim_order=["batch", "channel", "height", "width"], data_type="float32"),
    )
    properties = MLModelProperties(
        name=name, architecture=architecture, tasks={"semantic-segmentation"},
        framework="pytorch", framework_version=torch.__version__.split("+")[0],
        accelerator="amd64", accelerator_constrained=False, file_size=weights.stat().st_size,
        pretrained=False, total_parameters=total_parameters,
        input=[model_input], output=[model_output],
    )
    west, south, east, north = BBOX
    item = pystac.Item(
        id=name,
        geometry={"type": "Polygon", "coordinates": [[[west, south], [east, south], [east, north],
                                                      [west, north], [west, south]]]},
        bbox=BBOX, datetime=None,
        properties={"start_datetime": "2024-01-01T00:00:00Z", "end_datetime": "2026-12-31T23:59:59Z",
                    "description": description},
    )
    item.add_asset("weights", pystac.Asset(
        href=weights.name, media_type="application/octet-stream; application=pytorch",
        roles=["mlm:model", "mlm:weights", "data"],
        extra_fields={"mlm:artifact_type": "torch.jit.script"},
    ))
    MLModelExtension.ext(item, add_if_missing=True).apply(properties)
    card = item.to_dict(include_self_link=False)
    card["properties"].update({
        "geoscout:profile": profile,
        "geoscout:tile_size": tile_size,
        "geoscout:halo": halo,
        "geoscout:size_multiple": size_multiple,
        "geoscout:gsd_range_m": gsd_range_m,
        "geoscout:data_type": layout["data_type"],
        "geoscout:bands": bands,
        "geoscout:band_scale": layout["band_scale"],
        "geoscout:band_offset": layout["band_offset"],
        "geoscout:nodata": layout["nodata"],
        "geoscout:classes": classes,
        "geoscout:weights_sha256": sha256(weights),
        "geoscout:training": training,
        "geoscout:metrics": metrics,
    })
    return card


def validate(card: dict, folder: Path) -> list:
    """Problems with a card whose files lie in `folder` (empty when it is valid)."""
    problems = []
    core = copy.deepcopy(card)
    core["stac_extensions"] = []
    try:
        pystac.validation.validate_dict(core)
    except pystac.errors.STACValidationError as err:
        problems.append(f"not a valid STAC Item: {err}")
    mlm = {key[len("mlm:"):]: value for key, value in card.get("properties", {}).items()
           if key.startswith("mlm:")}
    try:
        MLModelProperties.model_validate(mlm)
    except ValueError as err:
        problems.append(f"MLM fields do not validate with stac-model: {err}")
    if MLModelExtension.get_schema_uri() not in card.get("stac_extensions", []):
        problems.append(f"stac_extensions lacks {MLModelExtension.get_schema_uri()}")
    properties = card.get("properties", {})
    problems += [f"properties lack {key}" for key in REQUIRED if key not in properties]
    weights = card.get("assets", {}).get("weights", {})
    if "mlm:model" not in weights.get("roles", []):
        problems.append("assets.weights lacks the role mlm:model")
    path = folder / weights.get("href", "model.pt")
    if not path.is_file():
        problems.append(f"weights file {path} is missing")
    elif sha256(path) != properties.get("geoscout:weights_sha256"):
        problems.append(f"sha256 of {path} does not match geoscout:weights_sha256")
    for k, entry in enumerate(properties.get("geoscout:classes", [])):
        if entry.get("channel") != k or not 0.0 <= entry.get("threshold", -1) <= 1.0:
            problems.append(f"geoscout:classes[{k}] needs channel {k} and a threshold in 0..1")
        for name in ("peak_threshold", "min_score"):
            if not 0.0 <= entry.get(name, 0.0) <= 1.0:
                problems.append(f"geoscout:classes[{k}] has a {name} outside 0..1")
    low, high = properties.get("geoscout:gsd_range_m", [0.0, 0.0])
    if not low <= properties.get("geoscout:scan_gsd_m", low) <= high:
        problems.append("geoscout:scan_gsd_m is outside geoscout:gsd_range_m")
    if properties.get("geoscout:halo", 1) % properties.get("geoscout:size_multiple", 1):
        problems.append("geoscout:halo is not a multiple of geoscout:size_multiple")
    window = properties.get("geoscout:tile_size", 0) + 2 * properties.get("geoscout:halo", 0)
    for key, field in (("mlm:input", "input"), ("mlm:output", "result")):
        for k, entry in enumerate(properties.get(key, [])):
            shape = entry.get(field, {}).get("shape", [])
            if shape[-2:] != [window, window]:
                problems.append(f"{key}[{k}] shape {shape} does not end in the window "
                                f"{window} x {window} (tile + 2 x halo)")
    return problems
