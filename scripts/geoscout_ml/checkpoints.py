"""Checkpoints: the trainable weights of a run (OUT/checkpoint.pt beside the frozen model.pt),
from which `train.py --init` goes on and the other scripts build a network."""

from pathlib import Path

import torch

from . import net
from .atomic import write_atomically


def save(model: net.SegNet, mean, std, profile: str, names: list, outputs: list, path: Path) -> None:
    """The trainable weights beside the frozen model.pt, so that a later run can go on from them
    (--init): frozen TorchScript folds the batch norms into the convolutions and cannot train."""
    checkpoint = {"state_dict": model.state_dict(), "mean": mean, "std": std, "profile": profile,
                  "classes": names, "outputs": outputs}
    write_atomically(path, lambda partial: torch.save(checkpoint, partial))


def read(path: Path) -> dict:
    """A checkpoint written by save()."""
    try:
        return torch.load(path, weights_only=True)
    except FileNotFoundError:
        raise SystemExit(f"{path}: not found")


def load(path: Path, profile: str, names: list, outputs: list) -> dict:
    """A checkpoint written by save(), checked against a run's profile and classes."""
    checkpoint = read(path)
    if (checkpoint["profile"], checkpoint["classes"], checkpoint["outputs"]) != (profile, names, outputs):
        raise SystemExit(f"{path}: trained for profile {checkpoint['profile']} with classes "
                         f"{checkpoint['classes']}; this run is {profile} with {names}")
    return checkpoint


def load_weights(model: net.SegNet, state: dict, path: Path) -> None:
    """Loads a checkpoint's weights. Only weights that start as the identity may be missing (a
    checkpoint from before the context block); they keep that start."""
    missing, unexpected = model.load_state_dict(state, strict=False)
    foreign = unexpected + [k for k in missing if not k.startswith(net.SegNet.IDENTITY_AT_START)]
    if foreign:
        raise SystemExit(f"{path}: weights do not fit this network: {', '.join(foreign)}")
    if missing:
        print(f"{path}: the layers it lacks ({len(missing)} tensors) start as the identity", flush=True)


def deployed(path: Path) -> torch.jit.ScriptModule:
    """The frozen model (as model.pt holds it) of a checkpoint."""
    checkpoint = read(path)
    model = net.SegNet(len(checkpoint["mean"]), checkpoint["outputs"])
    load_weights(model, checkpoint["state_dict"], path)
    return net.export(model.eval(), checkpoint["mean"], checkpoint["std"])
