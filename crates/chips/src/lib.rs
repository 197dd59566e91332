//! Training chips: rasters with label vectors become image chips and per-class targets.
