"""Assemble a CPU-only libtorch folder (include/ and lib/) from the PyPI wheels.

Usage: unpack_libtorch.py WHEEL_DIR DEST

Only the libraries a CPU build links are taken: libtorch_cuda.so is left out so that
torch-sys does not link CUDA; libcudart and libcupti come along because libtorch_cpu.so
names them as NEEDED.
"""

import sys
import zipfile
from pathlib import Path

TORCH_LIBS = {"libtorch_cpu.so", "libc10.so", "libgomp.so.1", "libtorch.so"}
NVIDIA_LIBS = {"libcudart.so.13", "libcupti.so.13"}


def wheel(wheel_dir: Path, prefix: str) -> Path:
    found = sorted(wheel_dir.glob(prefix + "*.whl"))
    if not found:
        sys.exit(f"unpack_libtorch: no {prefix}*.whl in {wheel_dir}")
    return found[-1]


def extract(whl: Path, dest: Path, keep) -> int:
    count = 0
    with zipfile.ZipFile(whl) as z:
        for info in z.infolist():
            target = keep(info.filename)
            if target is None or info.is_dir():
                continue
            out = dest / target
            out.parent.mkdir(parents=True, exist_ok=True)
            with z.open(info) as src, open(out, "wb") as dst:
                while chunk := src.read(1 << 20):
                    dst.write(chunk)
            count += 1
    return count


def torch_member(name: str):
    if name.startswith("torch/include/"):
        return name[len("torch/"):]
    if name.startswith("torch/lib/") and name.rsplit("/", 1)[-1] in TORCH_LIBS:
        return "lib/" + name.rsplit("/", 1)[-1]
    return None


def nvidia_member(name: str):
    base = name.rsplit("/", 1)[-1]
    return "lib/" + base if base in NVIDIA_LIBS else None


def main() -> None:
    wheel_dir, dest = Path(sys.argv[1]), Path(sys.argv[2])
    extract(wheel(wheel_dir, "torch-2.13.0-"), dest, torch_member)
    extract(wheel(wheel_dir, "nvidia_cuda_runtime-"), dest, nvidia_member)
    extract(wheel(wheel_dir, "nvidia_cuda_cupti-"), dest, nvidia_member)
    missing = [lib for lib in TORCH_LIBS | NVIDIA_LIBS if not (dest / "lib" / lib).exists()]
    if missing:
        sys.exit(f"unpack_libtorch: missing from the wheels: {', '.join(sorted(missing))}")


if __name__ == "__main__":
    main()
