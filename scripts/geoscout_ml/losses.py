"""Training losses: BCE + soft Dice for polygon masks, a penalty-reduced focal loss (as in
CenterNet) for point heat maps. Pixels without data (zero in every band) do not count."""

import torch
import torch.nn.functional as F


def heat_map_peaks(target: torch.Tensor) -> torch.Tensor:
    """Pixels that are a local maximum of a heat map (3 x 3) and at least one half: the points."""
    local_max = F.max_pool2d(target, 3, stride=1, padding=1)
    return (target >= local_max) & (target >= 0.5)


def mask_loss(logits: torch.Tensor, target: torch.Tensor, valid: torch.Tensor) -> torch.Tensor:
    """BCE plus soft Dice over the batch, for [N, H, W] logits and targets in 0..1."""
    bce = F.binary_cross_entropy_with_logits(logits, target, reduction="none")
    bce = (bce * valid).sum() / valid.sum().clamp(min=1.0)
    prob = torch.sigmoid(logits) * valid
    target = target * valid
    dice = 1.0 - (2.0 * (prob * target).sum() + 1.0) / (prob.sum() + target.sum() + 1.0)
    return bce + dice


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
