#!/usr/bin/env bash
# Installs what geoscout needs to build and run, skipping whatever is already there:
#   - Debian packages: GDAL (libgdal-dev, gdal-bin) and the build tools the -sys crates use;
#   - a CPU-only libtorch 2.13.0 folder, assembled from PyPI wheels and cached outside the
#     repository, linked into the checkout as `.libtorch` (which `.cargo/config.toml` names);
#   - with `--torch-venv`: a Python virtual environment with the full torch==2.13.0 (CUDA build),
#     used by scripts/train.py and by the opt-in CUDA build (LIBTORCH_USE_PYTORCH=1).
# Downloads are cached under $GEOSCOUT_CACHE (default /var/cache/geoscout when writable,
# otherwise ~/.cache/geoscout). Safe to run again: each step checks before it acts.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=scripts/env.sh
source "$repo/scripts/env.sh"

want_venv=0
for arg in "$@"; do
  case "$arg" in
    --torch-venv) want_venv=1 ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "setup.sh: unknown argument '$arg' (try --help)" >&2; exit 2 ;;
  esac
done

say() { printf 'setup: %s\n' "$*" >&2; }

install_debian_packages() {
  local pkgs=(libgdal-dev gdal-bin pkg-config build-essential python3-venv)
  local missing=()
  for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return
  say "installing Debian packages: ${missing[*]}"
  local sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# Wheels named in ../shared/docs/stack.md: torch carries libtorch (include/ and lib/), the two
# nvidia wheels carry the CUDA runtime libraries that libtorch_cpu.so names as NEEDED.
TORCH_WHEELS=(torch==2.13.0 nvidia-cuda-runtime==13.0.96 nvidia-cuda-cupti==13.0.85)

assemble_libtorch() {
  local dest="$GEOSCOUT_LIBTORCH"
  if [ -f "$dest/.complete" ]; then
    return
  fi
  say "assembling CPU libtorch 2.13.0 in $dest"
  mkdir -p "$GEOSCOUT_CACHE/wheels"
  python3 -m pip download --quiet --no-deps --only-binary=:all: \
    -d "$GEOSCOUT_CACHE/wheels" "${TORCH_WHEELS[@]}"
  local tmp="$dest.partial.$$"
  rm -rf "$tmp"
  mkdir -p "$tmp/lib"
  python3 "$repo/scripts/unpack_libtorch.py" "$GEOSCOUT_CACHE/wheels" "$tmp"
  touch "$tmp/.complete"
  rm -rf "$dest"
  mv "$tmp" "$dest"
}

link_libtorch() {
  ln -sfn "$GEOSCOUT_LIBTORCH" "$repo/.libtorch"
}

# What scripts/train.py and the scripts beside it import. The venv's .complete marker holds the
# list it was made with, so that adding a package here installs it into an existing venv.
TORCH_VENV_PACKAGES=(torch==2.13.0 numpy scipy stac-model)

create_torch_venv() {
  local venv="$GEOSCOUT_CACHE/torch-venv"
  local wanted="${TORCH_VENV_PACKAGES[*]}"
  if [ -f "$venv/.complete" ] && [ "$(cat "$venv/.complete")" = "$wanted" ]; then
    return
  fi
  if [ -x "$venv/bin/pip" ]; then
    say "installing $wanted into $venv"
  else
    say "creating Python environment with torch 2.13.0 in $venv (about 4.7 GB)"
    python3 -m venv "$venv"
  fi
  "$venv/bin/pip" install --quiet "${TORCH_VENV_PACKAGES[@]}"
  echo "$wanted" > "$venv/.complete"
}

install_debian_packages
assemble_libtorch
link_libtorch
[ "$want_venv" -eq 1 ] && create_torch_venv
say "ready (libtorch: $GEOSCOUT_LIBTORCH)"
