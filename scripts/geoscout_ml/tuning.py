"""Choosing what the model card states from validation chips: per-class thresholds (best pixel
IoU for polygon classes, best peak F1 for point classes), pixel and peak figures, and the halo
that makes tile cores independent of tiling."""

import numpy as np
import torch
import torch.nn.functional as F

# Candidate thresholds: 0.10, 0.15, ... 0.90.
THRESHOLDS = [round(0.10 + 0.05 * i, 2) for i in range(17)]


def predict_bytes(module, images: list, batch: int = 4) -> list:
    """Probabilities x 255 (uint8, as `geoscout predict` stores them) for each image."""
    out = []
    with torch.no_grad():
        for start in range(0, len(images), batch):
            group = images[start : start + batch]
            same_size = all(g.shape == group[0].shape for g in group)
            parts = [np.stack(group)] if same_size else [g[None] for g in group]
            for part in parts:
                prob = module(torch.from_numpy(part.astype(np.float32)))
                out.extend(np.rint(prob.numpy() * 255.0).astype(np.uint8))
    return out


def byte_threshold(threshold: float) -> int:
    """The smallest stored byte at or above a probability threshold."""
    return max(1, int(np.ceil(threshold * 255.0 - 1e-9)))


def mask_histograms(predictions: list, targets: list, channel: int) -> tuple:
    """256-bin histograms of predicted bytes over labelled and unlabelled pixels of a channel."""
    inside = np.zeros(256, np.int64)
    outside = np.zeros(256, np.int64)
    for prob, target in zip(predictions, targets):
        truth = target[channel] > 127
        inside += np.bincount(prob[channel][truth], minlength=256)
        outside += np.bincount(prob[channel][~truth], minlength=256)
    return inside, outside


def mask_scores(inside: np.ndarray, outside: np.ndarray, threshold: float) -> dict:
    t = byte_threshold(threshold)
    both, truth, predicted = int(inside[t:].sum()), int(inside.sum()), int(inside[t:].sum() + outside[t:].sum())
    union = truth + predicted - both
    return {
        "iou": both / union if union else 1.0,
        "f1": 2 * both / (truth + predicted) if truth + predicted else 1.0,
        "truth_pixels": truth,
        "predicted_pixels": predicted,
    }


def find_peaks(heat: np.ndarray, radius_px: float, floor: int) -> list:
    """(value, row, col) of the peaks of a heat map, strongest first: pixels at or above `floor`
    that are the largest within the square of half-width floor(radius_px) around them (ties go to
    the earlier pixel in raster order), so that no two peaks are that close on both axes."""
    reach = max(1, int(radius_px))
    height, width = heat.shape
    order = np.arange(height * width, dtype=np.float64).reshape(height, width)
    # Unique keys: the value first, then earlier pixels before later ones.
    key = heat.astype(np.float64) * (height * width) + (height * width - 1 - order)
    tensor = torch.from_numpy(key)[None, None]
    window_max = F.max_pool2d(tensor, 2 * reach + 1, stride=1, padding=reach)[0, 0].numpy()
    rows, cols = np.nonzero((key >= window_max) & (heat >= floor))
    values = heat[rows, cols].astype(int)
    ranked = np.lexsort((rows * width + cols, -values))
    return [(int(values[i]), int(rows[i]), int(cols[i])) for i in ranked]


def match_peaks(peaks: list, points: list, radius_px: float) -> list:
    """For each peak (strongest first): whether it takes the nearest free point within the radius."""
    free = list(points)
    matched = []
    for _, row, col in peaks:
        distances = [((row - r) ** 2 + (col - c) ** 2, i) for i, (r, c) in enumerate(free)]
        near = [d for d in distances if d[0] <= radius_px**2]
        if near:
            free.pop(min(near)[1])
        matched.append(bool(near))
    return matched


def peak_table(predictions: list, targets: list, gsds: list, channel: int, radius_m: float) -> tuple:
    """Per peak (value, matched) over all chips, and the number of labelled points."""
    table, truth = [], 0
    for prob, target, gsd in zip(predictions, targets, gsds):
        radius_px = radius_m / gsd
        points = [(r, c) for _, r, c in find_peaks(target[channel], 1.0, 128)]
        peaks = find_peaks(prob[channel], radius_px, byte_threshold(THRESHOLDS[0]))
        table.extend((value, hit) for (value, _, _), hit in zip(peaks, match_peaks(peaks, points, radius_px)))
        truth += len(points)
    return table, truth


def peak_scores(table: list, truth: int, threshold: float) -> dict:
    t = byte_threshold(threshold)
    peaks = sum(1 for value, _ in table if value >= t)
    found = sum(1 for value, hit in table if value >= t and hit)
    return {
        "truth": truth,
        "peaks": peaks,
        "found": found,
        "recall": found / truth if truth else 1.0,
        "precision": found / peaks if peaks else 1.0,
        "f1": 2 * found / (truth + peaks) if truth + peaks else 1.0,
    }


def tune(predictions: list, targets: list, gsds: list, outputs: list, names: list, point_radius_m: float) -> dict:
    """Best threshold and its validation figures per class."""
    tuned = {}
    for k, (output, name) in enumerate(zip(outputs, names)):
        if output == "point":
            table, truth = peak_table(predictions, targets, gsds, k, point_radius_m)
            scores = {t: peak_scores(table, truth, t) for t in THRESHOLDS}
            best = max(THRESHOLDS, key=lambda t: (scores[t]["f1"], scores[t]["recall"]))
        else:
            inside, outside = mask_histograms(predictions, targets, k)
            scores = {t: mask_scores(inside, outside, t) for t in THRESHOLDS}
            best = max(THRESHOLDS, key=lambda t: scores[t]["iou"])
        tuned[name] = {"threshold": best, **scores[best]}
    return tuned


def tiled_prediction(module, image: np.ndarray, core: int, halo: int) -> torch.Tensor:
    """Probabilities of an image predicted the way `geoscout scan` reads a raster: square cores of
    `core` pixels, each with `halo` pixels of context on every side, and the image's edge pixels
    repeated beyond its edge."""
    _, height, width = image.shape
    rows, cols = -(-height // core) * core, -(-width // core) * core
    pad = ((0, 0), (halo, halo + rows - height), (halo, halo + cols - width))
    padded = np.pad(np.asarray(image, dtype=np.float32), pad, mode="edge")
    out = None
    with torch.no_grad():
        for y in range(0, rows, core):
            for x in range(0, cols, core):
                window = padded[None, :, y : y + core + 2 * halo, x : x + core + 2 * halo]
                prob = module(torch.from_numpy(window))[0]
                if out is None:
                    out = torch.empty(prob.shape[0], rows, cols)
                out[:, y : y + core, x : x + core] = prob[:, halo : halo + core, halo : halo + core]
    return out[:, :height, :width]


def measure_halo(module, images: list, cores: tuple, multiple: int, largest: int, tolerance: float) -> dict:
    """The smallest halo (a multiple of `multiple`, at most `largest`) for which each image
    predicted in tiles of the two core sizes `cores` gives the same probabilities everywhere,
    within `tolerance` (largest absolute difference over the images, classes and pixels): most
    seams of the two tilings fall in different places, so this is what `geoscout scan` needs
    for leads that do not depend on the tile size. Comparing whole images, not one core
    per image, matters: a network with a wide field of view can agree on a quiet core and still
    differ by most of the probability range next to an uncertain object.

    Returns the chosen halo (None if none up to `largest` is enough) and the largest difference
    for each halo tried."""
    differences = {}
    for halo in range(multiple, largest + 1, multiple):
        worst = 0.0
        for image in images:
            first, second = (tiled_prediction(module, image, core, halo) for core in cores)
            worst = max(worst, float((first - second).abs().max()))
        differences[halo] = worst
        if worst <= tolerance:
            return {"halo": halo, "max_difference": differences}
    return {"halo": None, "max_difference": differences}
