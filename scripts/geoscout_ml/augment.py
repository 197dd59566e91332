"""Training-time changes to chips that keep their labels: the eight orientations of a view from
above, and thin cloud with its shadow drawn over a share of the chips (targets.md, "Scene
conditions that vary": a bright smooth veil and a dark smooth patch, neither a target)."""
import numpy as np
import torch
import torch.nn.functional as F

# Reflectance of the veil, lowest and highest (as the synthetic scenes' thin cloud), and how far
# one band may stray from the others: the veil is close to white.
VEIL_REFLECTANCE = (0.45, 0.60)
VEIL_TINT = 0.02
# Share of the veil in a pixel's reflectance where the veil is densest.
VEIL_OPACITY = (0.25, 0.7)
# Darkening at the densest part of a cloud's shadow.
SHADOW_STRENGTH = (0.3, 0.7)
# Side of the coarse random grid a patch is drawn from: a few patches per chip.
PATCH_GRID = (2, 5)


def orient(images: np.ndarray, targets: np.ndarray, rng: np.random.Generator) -> tuple:
    """One of the eight rotations and flips of each chip (imagery seen from above has no up)."""
    out_i, out_t = np.empty_like(images), np.empty_like(targets)
    for n, code in enumerate(rng.integers(0, 8, len(images))):
        image, target = np.rot90(images[n], code % 4, (1, 2)), np.rot90(targets[n], code % 4, (1, 2))
        if code >= 4:
            image, target = image[:, :, ::-1], target[:, :, ::-1]
        out_i[n], out_t[n] = image, target
    return out_i, out_t


def veil(images: np.ndarray, share: float, rng: np.random.Generator) -> np.ndarray:
    """Draws thin cloud (a bright veil mixed in) or its shadow (a darkening) over `share` of the
    chips, each in soft random patches; pixels without data stay without data. Draws nothing
    from `rng` when `share` is 0, so runs without it repeat exactly."""
    if share <= 0:
        return images
    out = images.copy()
    bands, height, width = images.shape[1:]
    for n in np.flatnonzero(rng.random(len(images)) < share):
        density = patches(rng, height, width)
        valid = np.abs(images[n]).sum(0) > 0
        if rng.random() < 0.5:
            opacity = rng.uniform(*VEIL_OPACITY)
            colour = rng.uniform(*VEIL_REFLECTANCE) + rng.uniform(-VEIL_TINT, VEIL_TINT, (bands, 1, 1))
            mixed = images[n] * (1 - opacity * density) + colour * opacity * density
        else:
            mixed = images[n] * (1 - rng.uniform(*SHADOW_STRENGTH) * density)
        out[n] = np.where(valid, mixed, images[n])
    return out


def patches(rng: np.random.Generator, height: int, width: int) -> np.ndarray:
    """A smooth density field in [0, 1]: random values on a coarse grid, upsampled and cut so
    that some areas are clear, some dense, with soft edges between."""
    side = int(rng.integers(PATCH_GRID[0], PATCH_GRID[1] + 1))
    coarse = torch.from_numpy(rng.random((1, 1, side, side), dtype=np.float32))
    field = F.interpolate(coarse, size=(height, width), mode="bicubic", align_corners=False)[0, 0].numpy()
    cut, softness = rng.uniform(0.2, 0.7), rng.uniform(0.1, 0.4)
    return np.clip((field - cut) / softness, 0.0, 1.0).astype(np.float32)
