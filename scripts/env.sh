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
