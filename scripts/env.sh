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
