# Shared settings for the project's scripts; sourced, not run.
# GEOSCOUT_CACHE holds downloads and build outputs that outlive a checkout.
if [ -z "${GEOSCOUT_CACHE:-}" ]; then
  if [ -w /var/cache ]; then
    GEOSCOUT_CACHE=/var/cache/geoscout
  else
    GEOSCOUT_CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/geoscout"
  fi
fi
export GEOSCOUT_CACHE
export GEOSCOUT_LIBTORCH="$GEOSCOUT_CACHE/libtorch-2.13.0-cpu"

# Sets $geoscout to a release build of the binary: GEOSCOUT_BIN when set, otherwise the one
# `cargo build --release` makes (under CARGO_TARGET_DIR when that is set). Needs $repo.
release_geoscout() {
  if [ -n "${GEOSCOUT_BIN:-}" ]; then
    geoscout=$GEOSCOUT_BIN
    return
  fi
  (cd "$repo" && cargo build --release --locked --quiet --bin geoscout)
  geoscout="${CARGO_TARGET_DIR:-$repo/target}/release/geoscout"
}

# First seed of the held-out synthetic scenes: training and validation use 1000-2999, never these.
HELD_OUT_FIRST_SEED=9000

# held_out_scenes PROFILE WORK N [SIZE]: empties WORK and writes N held-out scenes of PROFILE
# (SIZE px, default 1024) into WORK/scenes with `$geoscout synth`, after release_geoscout.
held_out_scenes() {
  rm -rf "$2"
  mkdir -p "$2"
  "$geoscout" synth --profile "$1" --out "$2/scenes" --scenes "$3" --size "${4:-1024}" \
    --seed "$HELD_OUT_FIRST_SEED" --quiet
}
