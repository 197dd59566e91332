"""Training losses: BCE + soft Dice (over the batch and per chip) for polygon masks, a
penalty-reduced focal loss (as in CenterNet) for point heat maps. Pixels without data (zero in
every band) do not count."""

import torch
import torch.nn.functional as F


def heat_map_peaks(target: torch.Tensor) -> torch.Tensor:
    """Pixels that are a local maximum of a heat map (3 x 3) and at least one half: the points."""
    local_max = F.max_pool2d(target, 3, stride=1, padding=1)
    return (target >= local_max) & (target >= 0.5)


# Weight of the per-chip Dice term against the batch one. At 1.0 the satellite model found more
# small piles but drew as many false ones on dark surfaces; 0.5 scored better on piles and dust
# (README, "The shipped models").
CHIP_DICE_WEIGHT = 0.5


def soft_dice_loss(overlap: torch.Tensor, total: torch.Tensor) -> torch.Tensor:
    """One minus the smoothed Dice coefficient, from the summed products of probability and
    target (`overlap`) and their summed sum (`total`)."""
    return 1.0 - (2.0 * overlap + 1.0) / (total + 1.0)


def mask_loss(logits: torch.Tensor, target: torch.Tensor, valid: torch.Tensor) -> torch.Tensor:
    """BCE plus two soft Dice terms, for [N, H, W] logits and targets in 0..1: one over the
    whole batch, and one averaged over the chips that hold the class. Pooled over the batch, a
    small object's pixels vanish beside a large one's; averaged per chip, a chip whose only
    object is small weighs as much as any other (small piles were the ones the model missed)."""
    bce = F.binary_cross_entropy_with_logits(logits, target, reduction="none")
    bce = (bce * valid).sum() / valid.sum().clamp(min=1.0)
    prob = torch.sigmoid(logits) * valid
    target = target * valid
    overlap, total = (prob * target).sum((1, 2)), (prob + target).sum((1, 2))
    batch_dice = soft_dice_loss(overlap.sum(), total.sum())
    chip_dice = soft_dice_loss(overlap, total)[target.sum((1, 2)) > 0]
    return bce + batch_dice + CHIP_DICE_WEIGHT * (chip_dice.mean() if len(chip_dice) else 0.0)


def point_loss(logits: torch.Tensor, target: torch.Tensor, valid: torch.Tensor) -> torch.Tensor:
    """Penalty-reduced focal loss for [N, H, W] heat-map logits and Gaussian targets in 0..1,
    normalised by the number of points."""
    prob = torch.sigmoid(logits).clamp(1e-4, 1.0 - 1e-4)
    peaks = heat_map_peaks(target.unsqueeze(1)).squeeze(1).to(prob.dtype) * valid
    positive = -((1.0 - prob) ** 2) * torch.log(prob) * peaks
    negative = -((1.0 - target) ** 4) * prob**2 * torch.log(1.0 - prob) * (1.0 - peaks) * valid
    return (positive.sum() + negative.sum()) / peaks.sum().clamp(min=1.0)


# Weight of a point class's loss against a polygon class's. The focal loss is summed per point
# and runs about five times a mask's BCE + Dice; unweighted, it swamped the masks, which then
# did not learn at all (measured on satellite chips).
POINT_WEIGHT = 0.2


def class_losses(logits: torch.Tensor, target: torch.Tensor, valid: torch.Tensor, outputs: list) -> torch.Tensor:
    """The weighted loss of each class (channel k: `outputs[k]` is "polygon" or "point");
    training minimises their sum."""
    losses = []
    for k, output in enumerate(outputs):
        if output == "point":
            losses.append(POINT_WEIGHT * point_loss(logits[:, k], target[:, k], valid))
        else:
            losses.append(mask_loss(logits[:, k], target[:, k], valid))
    return torch.stack(losses)
