//! The scan pipeline: rasters in, leads out, with the stages overlapping in time.
