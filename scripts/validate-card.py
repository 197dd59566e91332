#!/usr/bin/env python3
"""Validates model cards offline: STAC core schema (pystac's bundled copy), MLM fields
(stac-model's pydantic models), geoscout's required fields, and the weights' sha256.

    /var/cache/geoscout/torch-venv/bin/python scripts/validate-card.py models/*/card.json

Prints one line per card and exits 1 if any card is invalid."""

import sys
from pathlib import Path

sys.dont_write_bytecode = True  # keep __pycache__ out of the repository
sys.path.insert(0, str(Path(__file__).resolve().parent))
from geoscout_ml import card  # noqa: E402


def main() -> int:
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    failed = 0
    for arg in sys.argv[1:]:
        path = card.locate(Path(arg))
        problems = card.validate(card.read(path), path.parent)
        failed += bool(problems)
        print(f"{path}: " + ("valid" if not problems else "INVALID\n  " + "\n  ".join(problems)))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
