"""The segmentation network: a compact U-Net with a stride-2 stem, and the deployed wrapper that
bakes input normalisation and the sigmoid in (models/MODEL_CARD.md's TorchScript contract)."""

import torch
import torch.nn.functional as F
from torch import nn

# Channel widths at 1/2, 1/4, 1/8 and 1/16 of the input resolution.
WIDTHS = (16, 32, 64, 128)
# The network's total stride: input height and width must be multiples of it.
SIZE_MULTIPLE = 16
MASK_PRIOR_LOGIT = -2.19  # logit of 0.1
POINT_PRIOR_LOGIT = -4.6  # logit of 0.01
# Dilation rates of the context block's 3x3 convolutions at 1/16 resolution.
CONTEXT_DILATIONS = (2, 4)
# Dilation rates of the refinement blocks' 3x3 convolutions at 1/8 and 1/16 resolution.
REFINE_DILATIONS = (1, 1)
ARCHITECTURE = (
    "U-Net, stride-2 stem, widths 16-32-64-128 (1/2 to 1/16 resolution), residual bottleneck "
    "blocks (1x1 to half width, two 3x3, 1x1 back): one after the 1/8 and one after the 1/16 "
    "encoder, then a context block at 1/16 with 3x3 dilated 2 and 4; 1x1+3x3 decoder blocks, "
    "logits at 1/2 resolution upsampled bilinearly, sigmoid"
)


def conv_bn_relu(inputs: int, outputs: int, kernel: int = 3, stride: int = 1,
                 dilation: int = 1) -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(inputs, outputs, kernel, stride=stride, padding=dilation * (kernel // 2),
                  dilation=dilation, bias=False),
        nn.BatchNorm2d(outputs),
        nn.ReLU(inplace=True),
    )


def upsample(x: torch.Tensor) -> torch.Tensor:
    return F.interpolate(x, scale_factor=2.0, mode="bilinear", align_corners=False)


class Decoder(nn.Module):
    """Upsamples, joins the skip connection, mixes with a 1x1 then a 3x3 convolution."""

    def __init__(self, inputs: int, outputs: int):
        super().__init__()
        self.reduce = conv_bn_relu(inputs, outputs, kernel=1)
        self.mix = conv_bn_relu(outputs, outputs)

    def forward(self, x: torch.Tensor, skip: torch.Tensor) -> torch.Tensor:
        return self.mix(self.reduce(torch.cat([upsample(x), skip], 1)))


class Residual(nn.Module):
    """A bottleneck of 3x3 convolutions (1x1 to half the width, one 3x3 per dilation rate, 1x1
    back) added to its input. The last batch norm starts at zero, so the block starts as the
    identity and a network from a checkpoint without it (train.py --init) starts unchanged.
    With dilation rates above one it widens the field of view (the context block, for objects
    wider than the plain U-Net sees: large piles, long plumes leaving an outlet). It has no global
    pooling: the field of view stays finite, so tiles with a halo still give seam-free output."""

    def __init__(self, width: int, dilations: tuple):
        super().__init__()
        inner = width // 2
        self.branch = nn.Sequential(
            conv_bn_relu(width, inner, kernel=1),
            *(conv_bn_relu(inner, inner, dilation=d) for d in dilations),
            nn.Conv2d(inner, width, 1, bias=False),
            nn.BatchNorm2d(width),
        )
        with torch.no_grad():
            self.branch[-1].weight.zero_()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.relu(x + self.branch(x))


class SegNet(nn.Module):
    """Per-class logits at input resolution for a [N, bands, H, W] input (H, W multiples of 16);
    `outputs[k]` is "polygon" or "point" for class k."""

    # Weights that start as the identity, so a checkpoint made before they existed may lack them.
    IDENTITY_AT_START = ("context.", "refine3.", "refine4.")

    def __init__(self, bands: int, outputs: list):
        super().__init__()
        w1, w2, w3, w4 = WIDTHS
        classes = len(outputs)
        self.stem = conv_bn_relu(bands, w1, stride=2)
        self.enc1 = conv_bn_relu(w1, w1)
        self.enc2 = nn.Sequential(conv_bn_relu(w1, w2), conv_bn_relu(w2, w2))
        self.enc3 = nn.Sequential(conv_bn_relu(w2, w3), conv_bn_relu(w3, w3))
        self.enc4 = nn.Sequential(conv_bn_relu(w3, w4), conv_bn_relu(w4, w4))
        self.refine3 = Residual(w3, REFINE_DILATIONS)
        self.refine4 = Residual(w4, REFINE_DILATIONS)
        self.context = Residual(w4, CONTEXT_DILATIONS)
        self.dec3 = Decoder(w4 + w3, w3)
        self.dec2 = Decoder(w3 + w2, w2)
        self.dec1 = Decoder(w2 + w1, w1)
        self.head = nn.Conv2d(w1, classes, 1)
        # Start masks at a probability of 0.1 and heat maps at 0.01 (rare peaks), so that the
        # focal loss of the heat maps starts small and does not swamp the masks (as in CenterNet).
        with torch.no_grad():
            for k, output in enumerate(outputs):
                self.head.bias[k] = POINT_PRIOR_LOGIT if output == "point" else MASK_PRIOR_LOGIT

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x1 = self.enc1(self.stem(x))
        x2 = self.enc2(F.max_pool2d(x1, 2))
        x3 = self.refine3(self.enc3(F.max_pool2d(x2, 2)))
        x4 = self.context(self.refine4(self.enc4(F.max_pool2d(x3, 2))))
        y = self.dec1(self.dec2(self.dec3(x4, x3), x2), x1)
        return upsample(self.head(y))


class Deployed(nn.Module):
    """What model.pt holds: scaled reflectance in, per-class probabilities out."""

    def __init__(self, net: SegNet, mean: torch.Tensor, std: torch.Tensor):
        super().__init__()
        self.net = net
        self.register_buffer("mean", mean.reshape(1, -1, 1, 1).clone())
        self.register_buffer("std", std.reshape(1, -1, 1, 1).clone())

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.sigmoid(self.net((x - self.mean) / self.std))


def export(net: SegNet, mean: torch.Tensor, std: torch.Tensor) -> torch.jit.ScriptModule:
    """The frozen TorchScript module of a trained network."""
    deployed = Deployed(net, mean, std).eval()
    return torch.jit.freeze(torch.jit.script(deployed))
