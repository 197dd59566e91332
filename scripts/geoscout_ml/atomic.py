"""Writing files whole or not at all."""

import os
from pathlib import Path


def write_atomically(path: Path, write) -> None:
    """Calls write(partial) on a sibling file, then renames it to path: a run that stops early
    never leaves a half-written model, checkpoint, card or chip index."""
    partial = path.with_name(path.name + ".partial")
    write(partial)
    os.replace(partial, path)
