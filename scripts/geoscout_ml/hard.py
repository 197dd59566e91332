"""Finding the training chips a model gets wrong (hard example mining): per chip and class, the
objects it misses and the false objects it draws, counted as connected components of the truth
(a polygon's target > 0.5, a point's heat) and of the prediction (probability from a threshold)."""

import numpy as np
from scipy import ndimage

# Stored bytes above this are probability > 0.5: labelled in a target.
HALF = 127
# A truth polygon is found when at least this share of its pixels is predicted; a truth point
# when any pixel of its heat is.
FOUND_SHARE = 0.5
# A predicted polygon is false when less than this share of it lies on truth and it is not a speck
# (the cards' min_area_m2 drop specks from the leads); a predicted point when none of it touches
# the truth's heat (target > 0).
FALSE_SHARE = 1 / 3
FALSE_MIN_PIXELS = 50


def object_errors(target: np.ndarray, prediction: np.ndarray, output: str, threshold_byte: int) -> dict:
    """{"objects", "missed", "false"} for one class of one chip. target and prediction are stored
    bytes (probability x 255) of the same shape; output is "polygon" or "point"; a pixel is
    predicted from threshold_byte up."""
    predicted = prediction >= threshold_byte
    blobs, blob_count = ndimage.label(predicted)
    if output == "point":
        # A point's truth is its whole heat, so that a peak a few pixels off still finds it; heat
        # whose peak lies outside the chip is no object of this chip.
        heat, count = ndimage.label(target > 0)
        peaks = ndimage.maximum(target, heat, range(1, count + 1)) if count else []
        found = [share for share, peak in zip(_per_label(predicted, heat, count), peaks) if peak > HALF]
        missed = sum(share == 0 for share in found)
        false = sum(share == 0 for share in _per_label(target > 0, blobs, blob_count))
    else:
        truth = target > HALF
        objects, count = ndimage.label(truth)
        found = _per_label(predicted, objects, count)
        missed = sum(share < FOUND_SHARE for share in found)
        on_truth = _per_label(truth, blobs, blob_count)
        sizes = ndimage.sum(predicted, blobs, range(1, blob_count + 1)) if blob_count else []
        false = sum(share < FALSE_SHARE and size >= FALSE_MIN_PIXELS for share, size in zip(on_truth, sizes))
    return {"objects": len(found), "missed": int(missed), "false": int(false)}


def _per_label(mask: np.ndarray, labels: np.ndarray, count: int) -> list:
    """The share of each labelled component's pixels that lie in mask."""
    return list(ndimage.mean(mask, labels, range(1, count + 1))) if count else []
